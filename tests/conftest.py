"""Shared fixtures: the real shipped model, loaded once per test session, and the
shared data (tests that need it are skipped without it).

Set TELLTALE_MODEL_PATH to run the tests against another model folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).with_name("fixtures")
MODEL_PATH = os.environ.get("TELLTALE_MODEL_PATH") or None


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shipped_scorer():
    """``Scorer.load()`` on the shipped model (the real thing, no fake)."""
    from scorer import Scorer

    return Scorer.load(MODEL_PATH)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data folder ($TELLTALE_DATA or ../shared/data); skips without it."""
    from scorer import data
    from scorer.errors import TelltaleError

    try:
        path = data.data_dir(None)
    except TelltaleError as exc:
        pytest.skip(str(exc))
    if not (path / "reuters-21578").is_dir() or not (path / "bbc-news").is_dir():
        pytest.skip(f"the shared data in {path} is incomplete")
    return path
