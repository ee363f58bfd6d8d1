"""Shared fixtures: every test gets its own data folder and a real SQLite file in tmp_path."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from hypothesis import settings

from zhaocun_desktop.db import open_db

if os.environ.get("CI"):  # .ci/run: the property tests try the same inputs on every run (a landing never fails on a new one)
    settings.register_profile("zhaocun_ci", derandomize=True, database=None, print_blob=True)
    settings.load_profile("zhaocun_ci")


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Keep window state, logs and default databases out of the real user folder."""
    folder = tmp_path / "data"
    monkeypatch.setenv("ZHAOCUN_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "台账.db"


@pytest.fixture
def db(db_path):
    database = open_db(db_path)
    yield database
    database.close()
