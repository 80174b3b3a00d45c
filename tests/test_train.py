"""The training set (``scorer.train.build_training_set``) on the shared data; skipped without it."""

from __future__ import annotations

import argparse
import random

import pytest

from scorer import data, train
from scorer.errors import TelltaleError


@pytest.fixture(scope="module")
def root():
    try:
        path = data.data_dir(None)  # $TELLTALE_DATA or ../shared/data
    except TelltaleError as exc:
        pytest.skip(str(exc))
    if not (path / "reuters-21578").is_dir() or not (path / "bbc-news").is_dir():
        pytest.skip(f"the shared data in {path} is incomplete")
    return path


def training_set(root, *args):
    p = argparse.ArgumentParser()
    train.add_arguments(p)
    a = p.parse_args(list(args))
    return train.build_training_set(root, a, random.Random(a.seed))


def test_clean_wire_sentences_are_added_after_the_default_set(root):
    default = training_set(root)
    more = training_set(root, "--wire-sentences", "300")
    assert more[:len(default)] == default  # the default (shipped) training set is unchanged
    added = more[len(default):]
    assert 300 <= sum(len(w.texts) for w in added) < 300 + max(train.WINDOW_SIZES)
    assert all(set(w.labels) == {0} and all(s == () for s in w.spans) for w in added)
    # not the synthetic damage's stories (the corpus repeats a few lines, e.g. "Shr 50 cts vs 40 cts")
    damaged = data.reuters_stories(root, limit=train.DAMAGED_WIRE_STORIES)
    damaged_bases = {s for story in damaged for s in story["paragraphs"]}
    texts = [t for w in added for t in w.texts]
    assert sum(t in damaged_bases for t in texts) <= 0.02 * len(texts)
    assert all(len(t.split()) >= 3 for w in added for t in w.texts)
