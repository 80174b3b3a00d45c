"""The fast paths (bf16 and int8, packed) agree with the fp32 reference network.

int8 is the default; bf16 is checked too. On a fixed set of texts (the clean and
garbled case files with the known failures, 75 texts, ~100 sentences) every sentence's calibrated
probability lies within TOLERANCE of the reference's (absolute: 0.01 for bf16,
0.05 for int8), the mean difference within MEAN_TOLERANCE (0.002 and 0.015), and a sentence is
flagged the same way unless the reference probability is within TOLERANCE of
the threshold. Passage and article probabilities (whose calibration is steeper,
so a logit error moves them further) get twice TOLERANCE; verdicts agree unless
a probability is that close to its threshold. Dev-set AUC for every precision
is measured by ``benchmarks/accuracy.py`` (too slow for a test).

Runs on the shipped model, or on the folder in TELLTALE_MODEL_PATH.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from scorer import Scorer, ScorerConfig
from scorer.model import DEFAULT_MODEL_DIR, read_info

MODEL = Path(os.environ.get("TELLTALE_MODEL_PATH") or DEFAULT_MODEL_DIR)
CASES = Path(__file__).with_name("cases")
TOLERANCE = {"int8": 0.05, "bf16": 0.01}  # absolute, on calibrated sentence probabilities
# int8's mean was 0.01 for the sentence-only model; the context model's sentence
# calibration is a third steeper (Platt slope 0.89 against 0.66), so the same logit
# drift moves probabilities further. Dev AUC, the criterion (within 0.005),
# is measured by benchmarks/accuracy.py.
MEAN_TOLERANCE = {"int8": 0.015, "bf16": 0.002}


def case_texts() -> list[str]:
    files = ("clean.json", "garbled.json", "known_failures.json")
    return [c["text"] for f in files for c in json.loads((CASES / f).read_text())]


@pytest.fixture(scope="module")
def results():
    texts = case_texts()
    out = {}
    for precision in ("fp32", "int8", "bf16"):
        config = ScorerConfig(precision=precision, check_language=False, use_signals=False)
        scorer = Scorer.load(MODEL, config)
        scorer.detector.cache = None
        out[precision] = scorer.score_many(texts)
    return out


def sentences(results):
    return [s for r in results for p in r.passages for s in p.sentences]


@pytest.mark.parametrize("precision", ["int8", "bf16"])
def test_sentence_probabilities_agree_with_fp32(results, precision):
    ref, fast = sentences(results["fp32"]), sentences(results[precision])
    assert [s.text for s in ref] == [s.text for s in fast]
    assert len(ref) >= 100
    p_ref = np.array([s.probability for s in ref])
    p_fast = np.array([s.probability for s in fast])
    diff = np.abs(p_fast - p_ref)
    worst = int(diff.argmax())
    assert diff.max() <= TOLERANCE[precision], (ref[worst].text, p_ref[worst], p_fast[worst])
    assert diff.mean() <= MEAN_TOLERANCE[precision], diff.mean()


@pytest.mark.parametrize("precision", ["int8", "bf16"])
def test_flags_agree_with_fp32_except_at_the_threshold(results, precision):
    threshold = results["fp32"][0].thresholds.sentence
    for r, f in zip(sentences(results["fp32"]), sentences(results[precision])):
        if abs(r.probability - threshold) > TOLERANCE[precision]:
            assert r.flagged == f.flagged, (r.text, r.probability, f.probability)


@pytest.mark.parametrize("precision", ["int8", "bf16"])
def test_passages_and_articles_agree_with_fp32(results, precision):
    th = results["fp32"][0].thresholds
    tol = 2 * TOLERANCE[precision]
    for r, f in zip(results["fp32"], results[precision]):
        assert abs(r.article.probability - f.article.probability) <= tol, r.passages[0].sentences[0].text
        if abs(r.article.probability - th.article) > tol:
            assert r.article.flagged == f.article.flagged
        near = any(abs(p.probability - th.passage) <= tol for p in r.passages)
        if not near and abs(r.article.probability - th.article) > tol:
            assert r.article.verdict == f.article.verdict
        for rp, fp in zip(r.passages, f.passages):
            assert abs(rp.probability - fp.probability) <= tol


@pytest.mark.parametrize("precision", ["int8", "bf16"])
def test_marked_words_mostly_agree_with_fp32(results, precision):
    """Damaged-word marks may differ only for words close to the word threshold."""
    ref, fast = sentences(results["fp32"]), sentences(results[precision])

    def marks(s):
        return {span: p for r in s.reasons if r.type == "suspicious_words"
                for span, p in zip(r.spans, r.detail["probabilities"])}

    word_threshold = read_info(MODEL).word_threshold
    differ, total = 0, 0
    for r, f in zip(ref, fast):
        mr, mf = marks(r), marks(f)
        total += len(mr.keys() | mf.keys())
        for span in mr.keys() ^ mf.keys():
            differ += 1
            assert (mr.get(span) or mf.get(span)) < word_threshold + 0.15, (r.text, span)
    assert differ <= max(2, 0.1 * total), (differ, total)
