"""Shared fixtures: the command-line programs the package is compared with.

They are looked up in ROBUSTMEAN_BIN (a directory; tools/test_python.sh sets it to the
installed prefix's bin) or on PATH. Without them the comparisons are skipped, unless
ROBUSTMEAN_REQUIRE_CLI=1 (as in tools/test_python.sh), which makes their absence a
failure.
"""
import os
import shutil

import pytest


def _program(name):
    directory = os.environ.get("ROBUSTMEAN_BIN")
    path = os.path.join(directory, name) if directory else shutil.which(name)
    if path and os.access(path, os.X_OK):
        return path
    if os.environ.get("ROBUSTMEAN_REQUIRE_CLI") == "1":
        pytest.fail(f"{name} not found (ROBUSTMEAN_BIN={directory!r})")
    pytest.skip(f"{name} not found: set ROBUSTMEAN_BIN or PATH")


@pytest.fixture(scope="session")
def cli():
    return _program("robustmean")


@pytest.fixture(scope="session")
def rmgen():
    return _program("rmgen")
