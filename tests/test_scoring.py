"""The Scorer on the real shipped model (TELLTALE_MODEL_PATH picks another folder)."""

import dataclasses
import doctest
import importlib

import numpy as np
import pytest

from scorer import (
    BinaryInputError,
    EmptyInputError,
    InputTooLargeError,
    InputTypeError,
    ModelLoadError,
    Scorer,
    ScoreResult,
    UnsupportedLanguageError,
)
from scorer.aggregate import article_level, pool, word_lengths
from scorer.results import VERDICT_ARTICLE, VERDICT_CLEAN, VERDICT_PASSAGES

GERMAN = ("Der Stadtrat hat am Dienstag beschlossen, den Nachtbusverkehr bis zum Jahresende zu "
          "verlängern, nachdem ein Pilotprojekt mehr Fahrgäste angezogen hatte als erwartet. Die "
          "zusätzlichen Linien kosten nach Angaben der Verwaltung rund 1,2 Millionen Euro.")


def lines(fixtures, name):
    return [ln for ln in (fixtures / name).read_text(encoding="utf-8").splitlines() if ln.strip()]


def test_garbled_sentences_rank_above_clean(shipped_scorer, fixtures):
    garbled, clean = lines(fixtures, "garbled.txt"), lines(fixtures, "clean.txt")
    result = shipped_scorer.score(paragraphs=garbled + clean)
    probs = [p.probability for p in result.passages]
    g, c = np.array(probs[:len(garbled)]), np.array(probs[len(garbled):])
    # the pairs are the same content, badly and well written: most pairs must order right
    assert (g > c).mean() >= 0.8, (g, c)
    assert np.median(g) > np.median(c)
    # and as a whole, the garbled article scores above the clean one
    g_art, c_art = shipped_scorer.score_many(paragraphs=[garbled, clean])
    assert g_art.article.probability > c_art.article.probability


def test_offsets_index_the_input(shipped_scorer, fixtures):
    text = (fixtures / "article.txt").read_text(encoding="utf-8")
    result = shipped_scorer.score(text)
    assert isinstance(result, ScoreResult)
    assert len(result.passages) == 4
    for passage, sentence in result.sentences():
        assert text[sentence.start:sentence.end] == sentence.text
        for reason in sentence.reasons:
            for s, e in reason.spans:
                assert sentence.start <= s < e <= sentence.end


def test_paragraph_mode_keeps_indices(shipped_scorer):
    paragraphs = ["Council extends night buses", "", "The city council voted on Tuesday. It was close."]
    result = shipped_scorer.score(paragraphs=paragraphs)
    assert [p.index for p in result.passages] == [0, 2]
    for passage, sentence in result.sentences():
        assert paragraphs[passage.index][sentence.start:sentence.end] == sentence.text


def test_probabilities_follow_the_documented_rule(shipped_scorer):
    text = "The council met on Tuesday. It agreed the budget.\n\nThe mayor of the city have told that the bottom is closet."
    result = shipped_scorer.score(text)
    det = shipped_scorer.detector
    sentences = [s.text for _, s in result.sentences()]
    logits = det.logits(sentences, runs=[len(sentences)])  # the article read in context
    sentence_probs = det.probabilities(logits, level="sentence")
    assert np.allclose([s.probability for _, s in result.sentences()], sentence_probs, atol=1e-5)
    lengths = word_lengths(sentences)
    first = det.probabilities(pool(logits[:2], lengths[:2]), level="passage")
    assert result.passages[0].probability == pytest.approx(float(first), abs=1e-5)
    article = det.probabilities(pool(logits, lengths), level=article_level(len(sentences)))
    assert article_level(len(sentences)) == "passage"  # three sentences: too short for the document calibration
    assert result.article.probability == pytest.approx(float(article), abs=1e-5)
    for _, s in result.sentences():
        assert s.reasons[0].type == "classifier"
        assert s.reasons[0].probability == s.probability
        assert s.flagged == (s.probability >= result.thresholds.sentence)


def test_verdicts_follow_thresholds(shipped_scorer, fixtures):
    text = (fixtures / "article.txt").read_text(encoding="utf-8")
    assert shipped_scorer.with_config(article_threshold=0.0).score(text).article.verdict == VERDICT_ARTICLE
    some = shipped_scorer.with_config(article_threshold=1.0, passage_threshold=0.0).score(text)
    assert some.article.verdict == VERDICT_PASSAGES and some.article.flagged_passages == 4
    none = shipped_scorer.with_config(threshold=1.0, article_threshold=1.0, passage_threshold=1.0).score(text)
    assert none.article.verdict == VERDICT_CLEAN and not none.flagged()
    everything = shipped_scorer.with_config(threshold=0.0).score(text)
    assert everything.article.flagged_sentences == everything.article.sentences
    assert everything.threshold == 0.0 and everything.to_dict()["threshold"] == 0.0


def test_score_many_is_a_list_and_matches_score(shipped_scorer):
    texts = ["The council met on Tuesday.", "The mayor have told that the bottom of city is the closet."]
    many = shipped_scorer.score_many(texts)
    assert isinstance(many, list) and len(many) == 2
    for text, result in zip(texts, many):
        assert result.article.probability == pytest.approx(shipped_scorer.score(text).article.probability, abs=1e-5)
    assert shipped_scorer.score_many([]) == []
    with pytest.raises(TypeError):
        shipped_scorer.score_many("one string")


def test_score_many_with_progress_gives_the_same_results(shipped_scorer, capsys):
    texts = [f"The council met on day {i}. It voted to extend the night buses." for i in range(40)]
    plain = shipped_scorer.score_many(texts)
    shown = shipped_scorer.score_many(texts, progress=True)  # two groups of articles
    assert [r.to_dict() for r in shown] == [r.to_dict() for r in plain]
    assert "40/40" in capsys.readouterr().err


def test_score_many_keeps_the_items_error(shipped_scorer):
    with pytest.raises(UnsupportedLanguageError, match="Item 1: The text looks like German") as info:
        shipped_scorer.score_many(["The council met on Tuesday.", GERMAN])
    assert (info.value.index, info.value.language) == (1, "de") and info.value.confidence > 0.9


def test_with_config_reuses_the_model(shipped_scorer):
    strict = shipped_scorer.with_config(threshold=0.99, check_language=False)
    assert strict.detector is shipped_scorer.detector
    assert strict.thresholds.sentence == 0.99 and shipped_scorer.thresholds.sentence != 0.99
    strict.score(GERMAN)  # the check is off for this one only
    with pytest.raises(AttributeError):
        shipped_scorer.config = strict.config  # read-only: a new config needs a new Scorer
    with pytest.raises(ValueError, match="threads"):
        shipped_scorer.with_config(threads=1)


def test_result_repr_is_short(shipped_scorer, fixtures):
    text = (fixtures / "article.txt").read_text(encoding="utf-8")
    result = shipped_scorer.score(text)
    assert len(repr(result)) < 200 and result.article.verdict in repr(result)
    # frozen results are hashable, and equal results hash alike (usable in a set)
    first = result.passages[0].sentences[0]
    assert hash(first) == hash(dataclasses.replace(first)) and dataclasses.replace(first) in {first}
    # threshold 0 flags every sentence, so flagged() has items to check: each is a
    # flagged sentence of its own passage, in order, and none is left out
    every = shipped_scorer.with_config(threshold=0.0).score(text)
    flagged = every.flagged()
    assert flagged, "threshold 0 flagged nothing: the checks below would be empty"
    assert all(s.flagged and s in p.sentences for p, s in flagged)
    assert [s for _, s in flagged] == [s for p in every.passages for s in p.sentences if s.flagged]
    assert len(flagged) == every.article.flagged_sentences == every.article.sentences


def test_bad_input_raises_library_errors(shipped_scorer):
    with pytest.raises(EmptyInputError):
        shipped_scorer.score("  \n ")
    with pytest.raises(EmptyInputError):
        shipped_scorer.score("... --- !!!")
    with pytest.raises(BinaryInputError):
        shipped_scorer.score(b"\x00\x01binary")
    with pytest.raises(UnsupportedLanguageError):
        shipped_scorer.score(GERMAN)
    with pytest.raises(InputTooLargeError, match="200,000"):
        shipped_scorer.score("word " * 40_001)
    with pytest.raises(EmptyInputError, match="Item 1"):
        shipped_scorer.score_many(["Fine text here.", ""])
    for call in (lambda: shipped_scorer.score("text", paragraphs=["text"]), lambda: shipped_scorer.score(),
                 lambda: shipped_scorer.score(None), lambda: shipped_scorer.score(123)):
        with pytest.raises(InputTypeError):  # a TelltaleError, and a TypeError
            call()


def test_missing_model_folder(tmp_path):
    with pytest.raises(ModelLoadError, match="does not exist"):
        Scorer.load(tmp_path / "nope")
    with pytest.raises(ModelLoadError, match="telltale.json"):
        Scorer.load(tmp_path)


def test_signals_become_reasons(shipped_scorer):
    """Cues from scorer.signals are attached to the sentence their span falls in."""
    text = ("Antony Blinken met Mr Lavrov in Geneva on Monday.\n\n"
            "Later Blinkin flew to Cairo, officials said.\n\n"
            "He said he donâ€™t know the answer.")
    strict = dict(threshold=1.0, passage_threshold=1.0, article_threshold=1.0)
    result = shipped_scorer.with_config(**strict).score(text)
    first, second, third = (p.sentences[0] for p in result.passages)
    assert not first.flagged
    names = [r for r in second.reasons if r.type == "name_variants"]
    assert names and text[names[0].spans[0][0]:names[0].spans[0][1]] == "Blinkin"
    assert "Blinken" in names[0].detail["names"]
    assert any(r.type == "mojibake" for r in third.reasons)
    # a strong cue flags its sentence and passage even when no threshold can be reached
    assert second.flagged and third.flagged and result.passages[2].flagged
    assert result.article.verdict == VERDICT_PASSAGES
    reason = next(r for r in result.to_dict()["passages"][1]["sentences"][0]["reasons"]
                  if r["type"] == "name_variants")
    assert "flag" not in reason and reason["spans"] == [list(names[0].spans[0])]
    off = shipped_scorer.with_config(use_signals=False, **strict).score(text)
    assert all(r.type in ("classifier", "suspicious_words") for _, s in off.sentences() for r in s.reasons)
    assert off.article.verdict == VERDICT_CLEAN


@pytest.mark.parametrize("module", ["scorer", "scorer.scoring", "scorer.segment", "scorer.inputs",
                                    "scorer.config", "scorer.results", "scorer.errors", "scorer.context",
                                    "scorer.inference", "scorer.evaluate", "server.settings", "server.cache",
                                    "server.auth"])
def test_doctests(module, shipped_scorer):
    failures, _ = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert failures == 0


def test_scorer_repr_names_model_precision_and_thresholds(shipped_scorer):
    text = repr(shipped_scorer.with_config(threshold=0.7))
    info = shipped_scorer.info
    assert text.startswith(f"<Scorer {info.name} {info.version} {shipped_scorer.detector.precision}:")
    assert "sentence 0.700" in text and f"article {info.article_threshold:.3f}" in text


def test_result_json_reads_back(shipped_scorer):
    import json

    from scorer import ScoreResult

    text = ("The minister Antony Blinken met officials on Monday. Later Blinkin said the the talks "
            "went well.\n\nThe coun try was calm.")  # cues with their own fields, word spans
    result = shipped_scorer.score(text)
    data = json.loads(json.dumps(result.to_dict()))  # as it crosses the wire
    assert any(r["type"] != "classifier" for p in data["passages"] for s in p["sentences"] for r in s["reasons"])
    back = ScoreResult.from_dict({**data, "timing_ms": 12.5, "cached": False})  # a server answer's extras
    assert back.to_dict() == data
    assert back.article == result.article and back.thresholds == result.thresholds
    assert [(p.index, s.text, s.flagged) for p, s in back.flagged()] == \
        [(p.index, s.text, s.flagged) for p, s in result.flagged()]
    with pytest.raises(KeyError):
        ScoreResult.from_dict({k: v for k, v in data.items() if k != "article"})


def test_results_pickle_and_deep_copy(shipped_scorer):
    """A process pool, joblib or a disk cache pickles results; a read-only mapping that
    cannot be pickled made every result fail there."""
    import copy
    import pickle

    text = ("The minister Antony Blinken met officials on Monday. Later Blinkin said the the talks "
            "went well.\n\nThe coun try was calm.")
    result = shipped_scorer.score(text)
    assert any(r.detail for _, s in result.sentences() for r in s.reasons)  # cue fields to carry
    assert pickle.loads(pickle.dumps(result)) == result
    assert copy.deepcopy(result).to_dict() == result.to_dict()
    assert dataclasses.asdict(result)["article"] == dataclasses.asdict(result.article)
    reason = next(r for _, s in result.sentences() for r in s.reasons if r.detail)
    with pytest.raises(TypeError):
        reason.detail["message"] = "changed"  # still read-only


def test_score_many_refuses_what_is_not_a_list(shipped_scorer):
    from scorer import TelltaleError

    articles = {"https://example.com/a": "The council met on Tuesday. It voted to extend the night buses."}
    with pytest.raises(InputTypeError, match="not a dict"):
        shipped_scorer.score_many(articles)  # its keys, the URLs, would have been scored
    for bad in (5, {"The council met on Tuesday to vote."}, None):
        with pytest.raises(TelltaleError):
            shipped_scorer.score_many(bad)
    assert len(shipped_scorer.score_many(iter(["The council met on Tuesday to vote."]))) == 1


def test_too_short_to_judge(shipped_scorer):
    """A word or two is no evidence: "a" alone came back "likely machine-translated" (0.94)."""
    from scorer import InputTooShortError

    for text in ("a", "N/A", "Loading...", "null"):
        with pytest.raises(InputTooShortError, match="needs at least 3"):
            shipped_scorer.score(text)
    with pytest.raises(EmptyInputError):  # the server answers both as empty_input
        shipped_scorer.score(paragraphs=["Breaking", "news"])
    assert shipped_scorer.score("He resigned today.").article.sentences == 1


def test_bad_options_are_config_errors(shipped_scorer):
    """Every bad option is a ConfigError naming it (a TelltaleError and a ValueError)."""
    from scorer import ConfigError, ScorerConfig

    for options, name in (({"threshold": 1.5}, "threshold"), ({"language_min_chars": "200"}, "language_min_chars"),
                          ({"language_min_chars": -5}, "language_min_chars"), ({"threads": True}, "threads"),
                          ({"precision": "fp16"}, "precision"), ({"max_chars": 0}, "max_chars")):
        with pytest.raises(ConfigError, match=name):
            ScorerConfig(**options)
    assert ScorerConfig(precision=" FP32 ").precision == "fp32"  # as $TELLTALE_PRECISION takes it
    with pytest.raises(ConfigError, match="no option 'treshold'.*threshold"):
        shipped_scorer.with_config(treshold=0.9)
    with pytest.raises(ConfigError, match="threads"):
        shipped_scorer.with_config(threads=2)
    with pytest.raises(ConfigError, match="ScorerConfig"):
        Scorer(shipped_scorer.detector, {"threshold": 0.9})


def test_with_config_shares_the_language_model(shipped_scorer):
    """The copies share one SmolLM2 (about 16 s and hundreds of MB each), made once even when
    threads ask at the same time (nothing is loaded here: the model loads on first use)."""
    import threading

    pytest.importorskip("gguf")
    pytest.importorskip("accelerate")
    base = Scorer(shipped_scorer.detector, shipped_scorer.config)
    strict, loose = base.with_config(threshold=0.9), base.with_config(threshold=0.3)
    got = []
    threads = [threading.Thread(target=lambda s=s: got.append(s._lm.get())) for s in (base, strict, loose) * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(pair[0]) for pair in got}) == 1 and not got[0][0].loaded


def test_word_spans_keep_whole_characters(shipped_scorer):
    """A marked word's span covers its decomposed accent ("cafe" + U+0301): the tokenizer's
    offsets stop before it, and a highlight would cut it off its letter."""
    text = "The cafe\u0301 owners has fired the report of bottom city closet as the the nonsense."
    scorer = shipped_scorer.with_config(threshold=1.0)
    # mark every word: the word threshold at 0 on a copy of the detector
    det = dataclasses.replace(scorer.detector.info, word_threshold=0.0)
    import copy

    detector = copy.copy(scorer.detector)
    detector.info, detector.cache = det, None
    result = Scorer(detector, scorer.config).score(text)
    spans = [text[a:b] for _, s in result.sentences() for r in s.reasons if r.type == "suspicious_words"
             for a, b in r.spans]
    assert "cafe\u0301" in spans and "cafe" not in spans
