"""The training set (``scorer.train.build_training_set``) on the shared data; skipped without it."""

from __future__ import annotations

import argparse
import random

import pytest

from scorer import data, train


def training_set(shared_data, *args):
    p = argparse.ArgumentParser()
    train.add_arguments(p)
    a = p.parse_args(list(args))
    return train.build_training_set(shared_data, a, random.Random(a.seed))


def test_clean_wire_sentences_are_added_after_the_rest(shared_data):
    default = training_set(shared_data, "--wire-sentences", "0")
    more = training_set(shared_data, "--wire-sentences", "300")
    assert more[:len(default)] == default  # the rest of the training set does not depend on them
    added = more[len(default):]
    assert 300 <= sum(len(w.texts) for w in added) < 300 + max(train.WINDOW_SIZES)
    assert all(set(w.labels) == {0} and all(s == () for s in w.spans) for w in added)
    # neither the synthetic damage's stories nor the held-out ones (the corpus repeats a
    # few lines, e.g. "Shr 50 cts vs 40 cts")
    texts = [t for w in added for t in w.texts]
    for split in ("damage", "test"):
        lines = {s for story in data.wire_split(shared_data, split) for s in story["paragraphs"]}
        assert sum(any(t in line for line in lines) for t in texts) <= 0.02 * len(texts), split
    assert all(len(t.split()) >= 3 for w in added for t in w.texts)


def test_the_wire_splits_cover_the_corpus_in_order(shared_data):
    splits = [data.wire_split(shared_data, s) for s in data.WIRE_SPLITS]
    assert [len(x) for x in splits[:2]] == [data.WIRE_DAMAGED, data.WIRE_HELD_OUT - data.WIRE_DAMAGED]
    assert [x["id"] for s in splits for x in s] == [x["id"] for x in data.reuters_stories(shared_data)]
    assert len(splits[2]) > 3000  # the held-out stories telltale eval scores
    with pytest.raises(ValueError, match="split must be one of"):
        data.wire_split(shared_data, "train")


def test_damage_rate_sets_how_much_of_a_synthetic_window_is_damaged(shared_data):
    def damaged(windows):  # synthetic sentences carry word spans; WMT machine rows carry None
        return sum(label == 1 and spans is not None for w in windows for label, spans in zip(w.labels, w.spans))

    default, light = training_set(shared_data), training_set(shared_data, "--damage-rate", "0.2")
    assert 0.15 < damaged(light) / damaged(default) < 0.45  # about 0.2 / 0.7
    assert sum(len(w.texts) for w in light) == sum(len(w.texts) for w in default)  # same windows, fewer damaged
    with pytest.raises(SystemExit):
        training_set(shared_data, "--damage-rate", "1.5")


def test_quick_training_and_eval_run_end_to_end(shared_data, tmp_path):
    """`telltale train --quick` writes a loadable model (through its staging folder, moved in
    whole beside what was there), and `telltale eval --limit` measures it; about a minute."""
    import json
    import os
    import subprocess
    import sys

    from scorer import Scorer

    out = tmp_path / "model"
    out.mkdir()
    (out / "MODEL_CARD.md").write_text("kept\n")
    env = {**os.environ, "TELLTALE_DATA": str(shared_data)}
    proc = subprocess.run([sys.executable, "-m", "scorer.cli", "train", "--quick", "--out", str(out)],
                          capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"model written to {out}" in proc.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]  # no staging folder left
    assert sorted(p.name for p in out.iterdir()) == sorted(train.MODEL_FILES + ("MODEL_CARD.md",))
    meta = json.loads((out / "telltale.json").read_text())
    assert meta["training"]["quick"] and meta["thresholds"]["sentence"] != 0.5  # calibrated, not provisional
    result = Scorer.load(out).score("The council met on Tuesday. It voted to extend the night buses.")
    assert 0.0 <= result.article.probability <= 1.0

    report = tmp_path / "eval.json"
    proc = subprocess.run([sys.executable, "-m", "scorer.cli", "eval", "--model", str(out), "--limit", "200",
                           "--out", str(report)], capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    dev = json.loads(report.read_text())["dev"]
    assert 0 < dev["sentences"] < 2000 and 0.0 <= dev["sentence_auc"] <= 1.0
