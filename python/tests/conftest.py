"""Shared fixtures: the repository's folders, and the command-line binary to compare with."""

import os
import pathlib
import shutil

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT


@pytest.fixture(scope="session")
def cli() -> str:
    """The rolefit binary: $ROLEFIT_BIN, else the repository's release or debug build, else
    one on PATH. Tests comparing Python with the command line need it; CI sets ROLEFIT_BIN."""
    candidates = [
        os.environ.get("ROLEFIT_BIN"),
        str(ROOT / "target" / "release" / "rolefit"),
        str(ROOT / "target" / "debug" / "rolefit"),
        shutil.which("rolefit"),
    ]
    for c in candidates:
        if c and os.access(c, os.X_OK):
            return c
    if os.environ.get("CI"):
        pytest.fail("no rolefit binary: set ROLEFIT_BIN (CI builds target/release/rolefit)")
    pytest.skip("no rolefit binary to compare with (cargo build --release)")
