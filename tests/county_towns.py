"""Three demo townships of one county, shared by the roll-up and county-mode tests."""

from __future__ import annotations

from pathlib import Path

from zhaocun_desktop.county.rollup import Consent
from zhaocun_desktop.demo import build_demo

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
    """A time ``hours`` from now, as audit.now() gives it: a package made "later" that no clock check refuses."""
    import datetime as dt

    return (dt.datetime.now() + dt.timedelta(hours=hours)).isoformat(timespec="seconds")


def remade(source: Path, target: Path, change=None, sign_with: Path | None = None, rehash: bool = True, manifest_change=None,
           raw_manifest: bytes | None = None) -> Path:
    """``source`` with its members changed and put together again: the one helper tests use to build a
    package by hand. ``change(name, data) -> bytes | None`` edits a member (None drops it);
    ``manifest_change(manifest)`` edits the parsed manifest; ``rehash``: the manifest's SHA-256 of each
    member recomputed; ``sign_with``: a township database whose key signs the new manifest (its public
    key written in), else the old signature is kept (and no longer fits if the manifest changed);
    ``raw_manifest``: these bytes in place of the manifest, as they are."""
    import hashlib
    import json
    import zipfile

    from zhaocun_desktop import signing
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.package import MANIFEST, SIGNATURE

    with zipfile.ZipFile(source) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    manifest_bytes, signature = members.pop(MANIFEST), members.pop(SIGNATURE, None)
    if change and signature is not None:
        signature = change(SIGNATURE, signature)
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
        out.writestr(MANIFEST, manifest_bytes if raw_manifest is None else raw_manifest)
        if signature is not None:
            out.writestr(SIGNATURE, signature)
        for name, data in members.items():
            out.writestr(name, data)
    return target


def rows_changed(register_key: str, edit):
    """A ``change`` for ``remade``: ``edit(rows)`` on the parsed lines of ``records/<register_key>.jsonl``
    (in place or returning the new list), written back one JSON object a line."""
    import json

    def change(name: str, data: bytes) -> bytes:
        if name != f"records/{register_key}.jsonl":
            return data
        rows = [json.loads(line) for line in data.splitlines()]
        rows = edit(rows) or rows
        return b"".join(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n" for row in rows)

    return change


def member_replaced(member: str, data: bytes):
    """A ``change`` for ``remade`` that puts ``data`` in place of ``member``."""
    return lambda name, old: data if name == member else old


def zeros_zip(path: Path, members: dict[str, int]) -> Path:
    """A real zip whose members are ``size`` zero bytes each (a zip bomb: 500 MB of zeros are ~0.5 MB
    deflated), written without compressing the zeros (a deflate stream of whole 1 MiB blocks repeats
    once flushed), so a test builds 3 x 500 MB in well under a second."""
    import struct
    import zlib

    block = 2**20
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressor.compress(b"\0" * block)
    compressor.flush(zlib.Z_FULL_FLUSH)  # the first block may differ; from the second on each is the same
    repeated = compressor.compress(b"\0" * block) + compressor.flush(zlib.Z_FULL_FLUSH)
    first = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = first.compress(b"\0" * block) + first.flush(zlib.Z_FULL_FLUSH)
    tail = first.flush()
    directory, offset = [], 0
    with open(path, "wb") as out:
        for name, size in members.items():
            assert size % block == 0
            crc = 0
            for _ in range(size // block):
                crc = zlib.crc32(b"\0" * block, crc)
            data = head + repeated * (size // block - 1) + tail
            encoded = name.encode("utf-8")
            local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
            out.write(local + encoded + data)
            directory.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, 8, 0, 0x21, crc, len(data), size,
                                         len(encoded), 0, 0, 0, 0, 0, offset) + encoded)  # fmt: skip
            offset += len(local) + len(encoded) + len(data)
        central = b"".join(directory)
        out.write(central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(directory), len(directory), len(central), offset, 0))
    return path
