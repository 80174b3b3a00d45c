"""The detector's inference: the packed fast path against the reference network,
tokenization, context windows, batching, the window cache and the precision switch.

Runs on the shipped model, or on the folder in TELLTALE_MODEL_PATH.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from scorer.errors import ModelLoadError
from scorer.inference import attention_groups, load_packed, resolve_precision
from scorer.model import DEFAULT_MODEL_DIR, Detector, base_model_dir, load_detector, load_tokenizer

MODEL = Path(os.environ.get("TELLTALE_MODEL_PATH") or DEFAULT_MODEL_DIR)
CASES = Path(__file__).with_name("cases")

# Lengths vary (one word to past the model's max_length), some repeat exactly, so
# attention runs both with and without padding masks.
SENTENCES = [
    "Hi.",
    "Yes.",
    "The minister said on Monday that talks would resume.",
    "The minister of the finances has told that the closet will to meet in the Tuesday for discuss the bottom.",
    "Ministers met in Brussels — again — to discuss “the budget”, officials said (Jane Smith/Reuters).",
    "Café owners in Zürich said prices rose 4.5% in Q3; naïve forecasts had said 2%.",
    "U.S. Sen. Mark Kelly spoke on Jan. 13 about the bill.",
    " ".join(["The council voted to extend the night bus service until the end of the year"] * 12),
    "He was said to be the president of the party since the year passed and in the this moment he have refused.",
    "Police arrested a man.",
    "Police arrested a man.",
]


def case_sentences() -> list[str]:
    from scorer.segment import segment

    texts = [c["text"] for f in ("clean.json", "garbled.json") for c in json.loads((CASES / f).read_text())]
    return [s.text for t in texts for p in segment(t) for s in p.sentences]


@pytest.fixture(scope="module")
def reference():
    return load_detector(MODEL, precision="fp32", cache_size=0)


@pytest.fixture(scope="module")
def packed_fp32(reference):
    net = load_packed(MODEL, base_model_dir(), "fp32")
    return Detector(net, reference.tokenizer, reference.info, precision="packed-fp32")


def test_fast_tokenizer_matches_the_training_tokenizer(reference):
    texts = SENTENCES + case_sentences() + ["", "   ", "\u200b\u00ad odd\tspacing\u3000here", "日本語 and English"]
    hf = load_tokenizer()(texts, truncation=True, max_length=reference.info.max_length, return_offsets_mapping=True)
    fast = reference.tokenizer.encode_batch(texts)
    for i, enc in enumerate(fast):
        assert enc.ids == list(hf["input_ids"][i]), texts[i]
        assert [tuple(o) for o in enc.offsets] == [tuple(o) for o in hf["offset_mapping"][i]], texts[i]
        assert enc.word_ids == hf.word_ids(i), texts[i]
    assert max(len(e.ids) for e in fast) == reference.info.max_length  # truncation is on


def test_packed_fp32_equals_the_reference_network(reference, packed_fp32):
    sentences = SENTENCES + case_sentences()
    ref, fast = reference.predict(sentences), packed_fp32.predict(sentences)
    np.testing.assert_allclose(fast.logits, ref.logits, atol=2e-4)
    assert fast.words == ref.words or all(
        {(s, e) for s, e, _ in a} == {(s, e) for s, e, _ in b} for a, b in zip(fast.words, ref.words))


def test_packed_fp32_equals_the_reference_network_in_context(reference, packed_fp32):
    sentences = SENTENCES + case_sentences()
    runs = [3, 1, 7, len(sentences) - 11]
    ref, fast = reference.predict(sentences, runs=runs), packed_fp32.predict(sentences, runs=runs)
    np.testing.assert_allclose(fast.logits, ref.logits, atol=2e-4)
    assert all({(s, e) for s, e, _ in a} == {(s, e) for s, e, _ in b} for a, b in zip(fast.words, ref.words))


def test_context_changes_a_sentence_only_through_its_window(packed_fp32):
    sentences = SENTENCES[2:7] + SENTENCES[8:10]
    alone = packed_fp32.predict(sentences)
    together = packed_fp32.predict(sentences, runs=[len(sentences)])
    assert np.abs(together.logits - alone.logits).max() > 0.01  # neighbours are read
    # a run of one sentence is that sentence read alone; runs do not see each other
    split = packed_fp32.predict(sentences, runs=[1, len(sentences) - 1])
    assert split.logits[0] == pytest.approx(alone.logits[0], abs=1e-5)
    rest = packed_fp32.predict(sentences[1:], runs=[len(sentences) - 1])
    np.testing.assert_allclose(split.logits[1:], rest.logits, atol=1e-5)
    # word spans stay relative to their own sentence
    for text, marked in zip(sentences, together.words):
        assert all(0 <= s < e <= len(text) for s, e, _ in marked)
    with pytest.raises(ValueError, match="add up"):
        packed_fp32.predict(sentences, runs=[2])


def test_results_keep_input_order_whatever_the_batching(packed_fp32):
    sentences = SENTENCES + case_sentences()
    whole = packed_fp32.predict(sentences)
    backwards = packed_fp32.predict(sentences[::-1])
    np.testing.assert_allclose(backwards.logits[::-1], whole.logits, atol=1e-4)
    budget, packed_fp32.token_budget = packed_fp32.token_budget, 64  # many chunks; long sentences alone
    try:
        small = packed_fp32.predict(sentences)
    finally:
        packed_fp32.token_budget = budget
    np.testing.assert_allclose(small.logits, whole.logits, atol=1e-4)
    runs = [5, 2, len(sentences) - 7]
    in_context = packed_fp32.predict(sentences, runs=runs)
    budget, packed_fp32.token_budget = packed_fp32.token_budget, 64
    try:
        np.testing.assert_allclose(packed_fp32.predict(sentences, runs=runs).logits, in_context.logits, atol=1e-4)
    finally:
        packed_fp32.token_budget = budget
    assert packed_fp32.predict([]).logits.shape == (0,)


def test_attention_groups_cover_every_sentence_once():
    lengths = sorted([3, 3, 5, 7, 9, 9, 9, 12, 20, 30, 31, 33, 60, 96] * 9)
    groups = attention_groups(lengths, max_sentences=16)
    assert groups[0].t0 == 0 and groups[-1].t1 == sum(lengths)
    assert all(a.t1 == b.t0 for a, b in zip(groups, groups[1:]))
    assert sum(g.batch for g in groups) == len(lengths)
    assert all(g.batch <= 16 for g in groups)
    padded = sum(g.batch * g.width for g in groups)
    assert padded <= 1.35 * sum(lengths), (padded, sum(lengths))  # little attention work on padding
    same = attention_groups([8] * 5)
    assert len(same) == 1 and same[0].index is None and same[0].mask is None


def test_window_cache_gives_the_same_result_and_counts_hits():
    det = load_detector(MODEL, cache_size=3)
    first = det.predict(SENTENCES[:3])
    again = det.predict(SENTENCES[:3])
    assert det.cache.hits == 3
    np.testing.assert_array_equal(again.logits, first.logits)
    assert again.words == first.words
    det.predict(SENTENCES[3:6])  # evicts the first three
    det.predict(SENTENCES[:1])
    assert det.cache.hits == 3
    logits_only = load_detector(MODEL, cache_size=8)
    logits_only.logits(SENTENCES[:2])
    assert logits_only.predict(SENTENCES[:2]).words[0] is not None  # words were not cached: run again
    assert logits_only.cache.hits == 0
    in_context = det.predict(SENTENCES[2:6], runs=[4])  # one window: one cache entry
    assert det.predict(SENTENCES[2:6], runs=[4]).logits.tolist() == in_context.logits.tolist()
    assert det.cache.hits == 4
    assert det.predict(SENTENCES[2:5], runs=[3]).logits[0] != in_context.logits[0]  # another window
    assert load_detector(MODEL, cache_size=0).cache is None


def test_int8_linear_layers_stay_close_to_fp32(packed_fp32):
    """Activations are quantized per token: an outlier token does not crush the others."""
    import torch

    int8 = load_packed(MODEL, base_model_dir(), "int8")
    assert type(int8.layers[0].ffn_in).__name__ == "Int8Linear"
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(50, 384, generator=gen) * torch.linspace(0.1, 20, 50)[:, None]  # very different scales
    x[3, 7] = 300.0
    ref = packed_fp32.model.layers[0].ffn_in(x)
    got = int8.layers[0].ffn_in(x)
    err = (got - ref).abs().amax(dim=1) / ref.abs().amax(dim=1)
    others = torch.cat([err[:3], err[4:]])
    # per token, each row keeps its own scale: a few per cent (one scale for all tokens, as
    # torch.ao's dynamic quantization has it, rounds the small rows to zero: an error near 1)
    assert float(others.max()) < 0.05, others
    assert float(err[3]) < 0.15, err[3]


def test_precision_comes_from_the_argument_then_the_environment(monkeypatch):
    monkeypatch.delenv("TELLTALE_PRECISION", raising=False)
    assert resolve_precision(None) == "int8"
    monkeypatch.setenv("TELLTALE_PRECISION", "bf16")
    assert resolve_precision(None) == "bf16"
    assert resolve_precision("fp32") == "fp32"
    monkeypatch.setenv("TELLTALE_PRECISION", "half")
    with pytest.raises(ValueError, match=r"TELLTALE_PRECISION"):
        load_detector(MODEL)
    monkeypatch.setenv("TELLTALE_PRECISION", "fp32")
    assert load_detector(MODEL, cache_size=0).precision == "fp32"
    monkeypatch.setenv("TELLTALE_SENTENCE_CACHE", "lots")
    with pytest.raises(ValueError, match="TELLTALE_SENTENCE_CACHE"):
        load_detector(MODEL)


def test_scorer_config_passes_precision_through(monkeypatch):
    from scorer import Scorer, ScorerConfig

    monkeypatch.delenv("TELLTALE_PRECISION", raising=False)
    assert Scorer.load(MODEL).detector.precision == "int8"
    assert Scorer.load(MODEL, ScorerConfig(precision="bf16")).detector.precision == "bf16"
    with pytest.raises(ValueError, match="precision"):
        ScorerConfig(precision="fp16")


def test_an_adapter_the_fast_path_cannot_merge_is_refused(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(MODEL, folder)
    cfg = json.loads((folder / "adapter_config.json").read_text())
    (folder / "adapter_config.json").write_text(json.dumps(cfg | {"use_dora": True}))
    with pytest.raises(ModelLoadError, match="precision='fp32'"):
        load_detector(folder, precision="int8")


def test_a_broken_adapter_file_is_a_load_error(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(MODEL, folder)
    (folder / "adapter_model.safetensors").write_bytes(b"not safetensors")
    with pytest.raises(ModelLoadError, match="Could not load"):
        load_detector(folder, precision="int8")


def test_loading_the_reference_path_warns_about_nothing():
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_detector(MODEL, threads=1, precision="fp32")
    assert [str(w.message) for w in caught] == []
