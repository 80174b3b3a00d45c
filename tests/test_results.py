import dataclasses
import json

import pytest

from scorer.results import (
    VERDICT_CLEAN,
    ArticleResult,
    PassageResult,
    Reason,
    ScoreResult,
    SentenceResult,
    Thresholds,
)


def make_result() -> ScoreResult:
    s1 = SentenceResult(0, 10, "First one.", 0.2, False, (Reason.classifier(0.2),))
    s2 = SentenceResult(11, 30, "Second one is odd.", 0.95, True, (
        Reason.classifier(0.95),
        Reason("suspicious_words", spans=((18, 21),)),
        Reason.from_dict({"type": "name_variants", "names": ["Zelensky", "Zelenskyy"], "spans": [[11, 17]]}),
    ))
    passage = PassageResult(0, 0, 30, 0.6, False, (s1, s2))
    article = ArticleResult(0.3, False, VERDICT_CLEAN, passages=1, flagged_passages=0,
                            sentences=2, flagged_sentences=1)
    return ScoreResult("telltale-minilm", "1.0", Thresholds(0.8, 0.7, 0.9), article, (passage,))


def test_to_dict_has_the_shared_shape():
    d = make_result().to_dict()
    assert d["model"] == {"name": "telltale-minilm", "version": "1.0"}
    assert d["threshold"] == 0.8
    assert {"probability", "flagged", "verdict"} <= set(d["article"])
    passage = d["passages"][0]
    assert {"index", "start", "end", "probability", "flagged", "sentences"} <= set(passage)
    sentence = passage["sentences"][1]
    assert {"start", "end", "text", "probability", "flagged", "reasons"} <= set(sentence)
    assert sentence["reasons"][0] == {"type": "classifier", "probability": 0.95}
    assert sentence["reasons"][1] == {"type": "suspicious_words", "spans": [[18, 21]]}
    assert sentence["reasons"][2] == {"type": "name_variants", "spans": [[11, 17]],
                                      "names": ["Zelensky", "Zelenskyy"]}
    assert json.loads(json.dumps(d)) == d


def test_results_are_frozen_and_to_dict_is_a_copy():
    result = make_result()
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.article.flagged = True
    d = result.to_dict()
    d["passages"][0]["sentences"][1]["reasons"][2]["names"].append("X")
    assert result.to_dict()["passages"][0]["sentences"][1]["reasons"][2]["names"] == ["Zelensky", "Zelenskyy"]


def test_helpers():
    result = make_result()
    assert [s.text for _, s in result.flagged()] == ["Second one is odd."]
    assert result.passages[0].flagged_sentences == 1
    assert len(list(result.sentences())) == 2


def test_reason_shift_and_flag():
    r = Reason.from_dict({"type": "mojibake", "spans": [[1, 3]], "flag": True})
    assert r.flag and "flag" not in r.to_dict()
    assert r.shifted(10).spans == ((11, 13),)
