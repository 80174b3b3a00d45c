import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.segment import Passage, Sentence, segment, segment_paragraphs

CASES = json.loads((Path(__file__).with_name("fixtures") / "segment_cases.json").read_text(encoding="utf-8"))


def assert_offsets(source: str, passages) -> None:
    for p in passages:
        assert source[p.start:p.end] == p.text
        for s in p.sentences:
            assert source[s.start:s.end] == s.text
            assert s.text == s.text.strip() and s.text
            assert p.start <= s.start < s.end <= p.end


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_news_cases(case):
    passages = segment(case["text"])
    assert [s.text for p in passages for s in p.sentences] == case["sentences"], case["comment"]
    if "passages" in case:
        assert len(passages) == case["passages"]
    assert [p.index for p in passages] == list(range(len(passages)))
    assert_offsets(case["text"], passages)


def test_offsets_survive_leading_whitespace_and_repeats():
    text = "\n\n   Same sentence.  Same sentence.\n\n\tSame sentence.   "
    passages = segment(text)
    starts = [s.start for p in passages for s in p.sentences]
    assert starts == sorted(set(starts)) and len(starts) == 3
    assert_offsets(text, passages)


def test_paragraph_list_keeps_indices_and_local_offsets():
    paragraphs = ["", "  First one. Second one.", "   ", "Third\u00a0one here."]
    passages = segment_paragraphs(paragraphs)
    assert [p.index for p in passages] == [1, 3]
    for p in passages:
        assert_offsets(paragraphs[p.index], [p])
    assert [s.text for s in passages[0].sentences] == ["First one.", "Second one."]


def test_paragraph_with_line_breaks_stays_one_passage():
    passages = segment_paragraphs(["Heading\nBody text follows here."])
    assert len(passages) == 1 and len(passages[0].sentences) == 2


def test_long_run_on_is_cut_at_whitespace():
    text = "word " * 1000
    sentences = [s for p in segment(text, max_sentence_chars=300) for s in p.sentences]
    assert len(sentences) > 10
    assert all(len(s.text) <= 300 for s in sentences)
    assert_offsets(text, segment(text, max_sentence_chars=300))


def test_results_are_frozen():
    p = segment("One sentence.")[0]
    assert isinstance(p, Passage) and isinstance(p.sentences[0], Sentence)
    with pytest.raises(AttributeError):
        p.index = 3


def test_rejects_non_string_paragraph():
    with pytest.raises(TypeError):
        segment_paragraphs(["ok", 3])


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .?!\n\"'()-1\u201c\u201d\u2026\r\tA")), max_size=200))
def test_offsets_hold_for_any_text(text):
    passages = segment(text)
    assert_offsets(text, passages)
    # every non-space character outside bullet markers belongs to some passage
    covered = set()
    for p in passages:
        covered.update(range(p.start, p.end))
    assert all(ch.isspace() for i, ch in enumerate(text) if i not in covered)
