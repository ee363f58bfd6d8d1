"""Three demo townships of one county, shared by the roll-up and county-mode tests."""

from __future__ import annotations

from pathlib import Path

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
