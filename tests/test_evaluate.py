"""``telltale eval``'s figures of what a reader sees, with the real shipped model: the
damaged-article figures (:func:`scorer.evaluate.damaged_articles`) on the clean news of
``tests/cases``, and a quick look at :func:`scorer.evaluate.product_metrics` on the shared
data (skipped without it)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from scorer.corrupt import corrupt_article
from scorer.evaluate import damaged_articles


@pytest.fixture(scope="module")
def articles():
    cases = json.loads((Path(__file__).parent / "cases" / "clean.json").read_text(encoding="utf-8"))
    return [{"paragraphs": [p for p in c["text"].split("\n") if p.strip()]} for c in cases]


def damage_record(articles, rate, kinds=None) -> tuple[int, Counter]:
    """The generator's own record, counted apart from ``damaged_articles``: how many
    articles ``corrupt_article`` damages (with the seeds ``damaged_articles`` uses)
    and how many damaged sentences of each kind it labels."""
    damaged, by_kind = 0, Counter()
    for i, a in enumerate(articles):
        labels = corrupt_article(a["paragraphs"], rate=rate, seed=i, kinds=kinds).damaged
        damaged += bool(labels)
        by_kind.update(s.kind for s in labels)
    return damaged, by_kind


def test_every_sentence_is_counted_once(shipped_scorer, articles):
    d = damaged_articles(shipped_scorer, articles, rate=0.5)
    assert d["articles"] >= 1 and d["damaged_sentences"] >= 1
    # each sentence the generator damaged is counted once, no more, no fewer
    n_articles, by_kind = damage_record(articles, rate=0.5)
    assert d["articles"] == n_articles
    assert d["damaged_sentences"] == sum(by_kind.values())
    assert {k: v["sentences"] for k, v in d["by_kind"].items()} == dict(by_kind)
    assert set(d["by_kind"]) <= {"name_inconsistency", "name_mangle", "institution_literal", "wrong_sense",
                                 "reorder", "function_word", "meaning_flip", "fragment", "mojibake", "idiom"}
    for key in ("articles_warned", "articles_likely_machine", "damaged_sentences_flagged",
                "undamaged_sentences_flagged"):
        assert 0.0 <= d[key] <= 1.0


def test_mojibake_is_marked_where_it_is(shipped_scorer, articles):
    # the mojibake cue flags its sentence whatever the classifier says, so every
    # such sentence is marked; a mismatch of offsets between the generator's labels
    # and the scored sentences would show here
    d = damaged_articles(shipped_scorer, articles, rate=0.5, kinds=["mojibake"])
    assert d["by_kind"]["mojibake"]["sentences"] >= 5
    assert d["by_kind"]["mojibake"]["flagged"] == 1.0
    assert d["articles_warned"] > 0.5


def test_nothing_damaged_nothing_counted(shipped_scorer, articles):
    d = damaged_articles(shipped_scorer, articles, rate=0.0, kinds=["mojibake"])
    # at rate 0 only a repeated name spelled two ways is left (half the articles are
    # offered one); articles without it are skipped, not counted as missed
    assert set(d["by_kind"]) <= {"name_inconsistency"}
    assert d["articles"] > 0, "no article was offered a repeated name: the check below would be empty"
    n_articles, by_kind = damage_record(articles, rate=0.0, kinds=["mojibake"])
    assert set(by_kind) == {"name_inconsistency"}
    assert d["articles"] == n_articles
    assert d["by_kind"]["name_inconsistency"]["sentences"] == by_kind["name_inconsistency"]


def test_product_metrics_counts_what_a_reader_sees(shipped_scorer, shared_data):
    # a quick look (the first 10 articles of each set): each stricter count is a
    # subset of the looser one, as the README's figures read them
    from scorer.evaluate import product_metrics

    m = product_metrics(shipped_scorer.detector, shared_data, progress=False, limit=1)
    for name in ("bbc_test_pipeline", "wire_test_pipeline"):
        q = m[name]
        assert q["articles"] == 10
        assert 1.0 >= q["articles_warned"] >= q["articles_not_no_signs"] >= q["articles_likely_machine"] >= 0.0
        if q["sentences_flagged"] > 0:
            assert q["articles_warned"] > 0
    assert [d["rate"] for d in m["bbc_test_damaged"]] == [0.1, 0.3]
    assert {"garbled", "clean"} <= set(m["cases"]) and 0.5 < m["cases_ranking_auc"] <= 1.0
