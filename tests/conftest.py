"""Shared fixtures: the real shipped model, loaded once per test session.

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
