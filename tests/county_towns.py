"""Three demo townships of one county, shared by the roll-up and county-mode tests."""

from __future__ import annotations

from pathlib import Path

from zhaocun_desktop.demo import build_demo
from zhaocun_desktop.rollup import Consent

YEAR = 2023
TOWNS = (("赵村镇", 20231231), ("中汤镇", 7), ("瓦屋镇", 11))


def build_townships(folder: Path) -> dict[str, Path]:
    """A database per township in ``folder`` (赵村镇 is the default demo), by name."""
    paths = {}
    for town, seed in TOWNS:
        paths[town] = folder / f"{town}.db"
        build_demo(paths[town], year=YEAR, seed=seed, town=None if town == "赵村镇" else town)
    return paths


# The clerk's answers to the roll-up's questions, for tests about something else: every township's
# first key accepted (as `rollup --accept-new-keys` after checking the fingerprints by phone).
TRUSTED = Consent(new_keys=True)


def later(hours: int = 1) -> str:
    """A time ``hours`` from now, as records.now() gives it: a package made "later" that no clock check refuses."""
    import datetime as dt

    return (dt.datetime.now() + dt.timedelta(hours=hours)).isoformat(timespec="seconds")


def remade(source: Path, target: Path, change=None, sign_with: Path | None = None, rehash: bool = True, manifest_change=None) -> Path:
    """``source`` with its members changed and put together again: the one helper tests use to build a
    package by hand. ``change(name, data) -> bytes | None`` edits a member (None drops it);
    ``manifest_change(manifest)`` edits the parsed manifest; ``rehash``: the manifest's SHA-256 of each
    member recomputed; ``sign_with``: a township database whose key signs the new manifest (its public
    key written in), else the old signature is kept (and no longer fits if the manifest changed)."""
    import hashlib
    import json
    import zipfile

    from zhaocun_desktop import signing
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.package import MANIFEST, SIGNATURE

    with zipfile.ZipFile(source) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    manifest_bytes, signature = members.pop(MANIFEST), members.pop(SIGNATURE, None)
    if change:
        members = {name: changed for name, data in members.items() if (changed := change(name, data)) is not None}
    manifest = json.loads(manifest_bytes)
    if rehash:
        manifest["sha256"] = {name: hashlib.sha256(data).hexdigest() for name, data in members.items()}
    if manifest_change:
        manifest_change(manifest)
    if rehash or manifest_change:
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    if sign_with is not None:
        db = open_db(sign_with)
        try:
            manifest["public_key"] = signing.encode(signing.public_key(db))
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
            signature = (signing.encode(signing.sign(db, manifest_bytes)[0]) + "\n").encode()
        finally:
            db.close()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr(MANIFEST, manifest_bytes)
        if signature is not None:
            out.writestr(SIGNATURE, signature)
        for name, data in members.items():
            out.writestr(name, data)
    return target
