"""The corruption generator: every kind, spans, determinism, articles."""

import ftfy
import pytest
from hypothesis import given, settings, strategies as st

from scorer.corrupt import (
    IDIOMS,
    INSTITUTIONS,
    KINDS,
    WRONG_SENSE,
    Corruptor,
    corrupt_article,
    mangle_name,
    split_sentences,
)

SENTENCES = [
    "The prime minister said on Monday that the government would not raise taxes.",
    "Police at Scotland Yard said the use of artillery and jets had increased sharply.",
    "Antony Blinken told reporters in Washington that talks with Mark Rutte would take place.",
    "Shares in the firm fell 5% after it warned that profits would be lower than expected.",
    "The café's owner said he didn't expect the deal to go ahead - not this year.",
]

# A sentence each kind must be able to damage, and a word/phrase the damage must touch.
KIND_CASES = {
    "name_mangle": ("Talks with Mark Rutte ended.", "Rutte"),
    "institution_literal": ("He wrote for the Financial Times for years.", "Financial Times"),
    "wrong_sense": ("The cabinet met again.", "cabinet"),
    "reorder": ("It was a political crisis for him.", None),
    "function_word": ("He went to the shop.", None),
    "meaning_flip": ("The bill was not passed.", None),
    "fragment": ("The use of artillery was reported.", None),
    "mojibake": ("The café closed.", "café"),
    "idiom": ("The meeting will take place on Friday.", "take place"),
}


def test_kind_cases_cover_every_kind():
    assert set(KIND_CASES) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_damages_and_marks_its_words(kind):
    sentence, target = KIND_CASES[kind]
    for seed in range(5):
        c = Corruptor(seed).corrupt(sentence, kinds=[kind])
        assert c.kind == kind and c.changed
        assert c.text != sentence
        assert c.spans, "damage must be marked"
        for start, end in c.spans:
            assert 0 <= start < end <= len(c.text)
            assert c.text[start:end].strip() == c.text[start:end]
        if target is not None:
            assert target not in c.text


def test_examples_from_the_issue():
    assert Corruptor(0).corrupt("Scotland Yard said.", ["institution_literal"]).text.startswith(
        ("Scottish Courtyard", "Scotland Courtyard"))
    assert mangle_name("Rutte", __import__("random").Random(0)) in ("Root", "Rute")
    c = Corruptor(3).corrupt("A spokesman for the Financial Times said so.", ["institution_literal"])
    assert c.text[slice(*c.spans[0])] in INSTITUTIONS["Financial Times"]


def test_mojibake_is_what_ftfy_fixes():
    c = Corruptor(1).corrupt("The café closed.", ["mojibake"])
    if "\ufffd" not in c.text:
        assert ftfy.fix_text(c.text) == "The café closed."
    c = Corruptor(1).corrupt("He didn't say.", ["mojibake"])
    assert c.text == "He didnâ€™t say."


def test_meaning_flip_drops_or_inserts_negation():
    texts = {Corruptor(s).corrupt("The bill was not passed.", ["meaning_flip"]).text
             for s in range(20)}
    assert "The bill was passed." in texts
    assert Corruptor(0).corrupt("The plan was approved.", ["meaning_flip"]).text in (
        "The plan was not approved.", "The plan was rejected.")


def test_function_word_drop_marks_the_next_word():
    texts = {}
    for seed in range(30):
        c = Corruptor(seed).corrupt("He went to the shop.", ["function_word"])
        texts[c.text] = [c.text[s:e] for s, e in c.spans]
    assert texts.get("He went the shop.") == ["the"] or texts.get("He went to shop.") == ["shop"]


def test_deterministic_for_a_seed():
    a = [Corruptor(11).corrupt(s) for s in SENTENCES]
    b = [Corruptor(11).corrupt(s) for s in SENTENCES]
    assert a == b
    assert a != [Corruptor(12).corrupt(s) for s in SENTENCES]


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError, match="unknown corruption kinds"):
        Corruptor(0).corrupt("x", ["spelling"])


def test_nothing_applicable_returns_the_sentence():
    c = Corruptor(0).corrupt("Hello.", ["institution_literal", "idiom"])
    assert (c.text, c.kind, c.spans) == ("Hello.", None, ())


def test_tables_are_big_enough():
    assert sum(len(v) for v in WRONG_SENSE.values()) >= 150
    assert len(INSTITUTIONS) >= 20 and len(IDIOMS) >= 30
    for word, subs in WRONG_SENSE.items():
        assert word not in subs


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(SENTENCES + [w for w, _ in KIND_CASES.values()]),
                min_size=1, max_size=3).map(" ".join), st.integers(0, 1000))
def test_spans_always_inside_text(sentence, seed):
    c = Corruptor(seed).corrupt(sentence)
    assert c.changed
    for start, end in c.spans:
        assert 0 <= start < end <= len(c.text)


def test_split_sentences_offsets():
    p = 'Mr. Brown said "Yes." Sales rose 5%. Dr. Jones agreed.'
    spans = split_sentences(p)
    assert [p[s:e] for s, e in spans] == ['Mr. Brown said "Yes."', "Sales rose 5%.",
                                          "Dr. Jones agreed."]


def test_corrupt_article_labels_every_sentence():
    paras = ["Mark Rutte met officials in Brussels on Monday. Rutte said the talks went well.",
             "The prime minister did not comment. Rutte will travel to Paris next week."]
    art = corrupt_article(paras, rate=1.0, seed=5)
    assert len(art.paragraphs) == 2
    assert len(art.sentences) == 4
    assert all(s.kind is not None for s in art.sentences)
    for s in art.sentences:
        text = art.paragraphs[s.paragraph]
        assert text[s.start:s.end].strip() == text[s.start:s.end]
        for a, b in s.spans:
            assert s.start <= a < b <= s.end
    assert art == corrupt_article(paras, rate=1.0, seed=5)


def test_corrupt_article_name_inconsistency():
    paras = ["Antony Blinken arrived in Cairo.", "Blinken met the president.",
             "Later Blinken flew home."]
    art = corrupt_article(paras, rate=0.0, seed=1, name_inconsistency=1.0)
    kinds = [s.kind for s in art.sentences]
    assert kinds[0] is None and "name_inconsistency" in kinds
    assert "Blinken" in art.paragraphs[0]
    variants = {art.paragraphs[s.paragraph][a:b] for s in art.damaged for a, b in s.spans}
    assert len(variants) == 1 and "Blinken" not in variants


def test_corrupt_article_rate_zero_keeps_text():
    paras = ["Sales rose 5% in the year to March.", "The firm said it was pleased."]
    art = corrupt_article(paras, rate=0.0, seed=0, name_inconsistency=0.0)
    assert art.paragraphs == tuple(paras) and not art.damaged
