"""Article-level signals: positives, the negatives that must stay quiet, spans. (Their speed
is a benchmark: benchmarks/signals_speed.py.)"""

import pytest

from scorer.segment import segment, segment_paragraphs
from scorer.signals import Signal, article_signals, skeleton


def signals(text, kind=None):
    found = article_signals(segment(text))
    return [s for s in found if kind is None or s.type == kind]


def spanned(text, sig):
    return [text[a:b] for a, b in sig.spans]


# --- name variants --------------------------------------------------------------------


def test_name_spelled_two_ways():
    text = ("US Secretary of State Antony Blinken arrived in Cairo on Monday.\n\n"
            "Officials said Mr Blinkin would meet the foreign minister later.")
    found = signals(text, "name_variants")
    assert len(found) == 1
    sig = found[0]
    assert sig.flag and sig.detail == {"names": ["Blinken", "Blinkin"]}
    assert sig.message == "name spelled two ways: Blinken / Blinkin"
    assert spanned(text, sig) == ["Blinkin"]
    reason = sig.to_reason()
    assert reason["type"] == "name_variants" and reason["names"] == ["Blinken", "Blinkin"]
    assert reason["spans"] == [list(sig.spans[0])]


def test_rarer_spelling_is_marked_in_each_sentence():
    text = ("Mr Zelensky spoke in Kyiv. Later Mr Zelensky met troops. "
            "Aides to Mr Zelenskiy denied it. A statement from Mr Zelenskiy followed.")
    found = signals(text, "name_variants")
    assert [spanned(text, s) for s in found] == [["Zelenskiy"], ["Zelenskiy"]]
    assert {s.passage_index for s in found} == {0}


def test_shared_first_name_is_strong():
    text = "Angela Merkel spoke first. Then Angela Merkell answered questions from the press."
    (sig,) = signals(text, "name_variants")
    assert sig.flag


def test_shared_title_is_strong():
    text = ("Mr Johnsen told parliament the bill would pass. Critics of Mr Johnson disagreed, "
            "and Mr Johnsen said he had the votes.")
    (sig,) = signals(text, "name_variants")
    assert sig.flag and sig.detail == {"names": ["Johnsen", "Johnson"]}


def test_german_name_through_another_alphabet():
    text = "Chancellor Olaf Sholts spoke in Berlin. Scholz said Olaf Sholts's partners agreed."
    (sig,) = signals(text, "name_variants")
    assert sig.flag and spanned(text, sig) == ["Scholz"]


@pytest.mark.parametrize("text", [
    "The rapper Gameboyzz toured Japan. The GameBoys, a gaming club, met in Leeds.",
    "John Smith and his wife Joan spoke to reporters. John said Joan had been ill.",
    "Exports to Austria rose, while those to Australia fell sharply this year.",
    "North Korean leader Kim Jong-un met envoys. Officials said Kin Wah was not present.",
    "Mr Brown and Mrs Brown arrived together. Mrs Brown said Mr Brown was tired.",
    "The war in Iraq and tensions with Iran dominated the talks in Washington.",
    "David Davis said he would stand. Mr Davis told David Cameron he had support.",
    "Prime Minister Gordon Brown met Nick Brawn, the chairman of the club.",
    "Germany beat the Germans' old rivals. Iraqi forces entered Iraq on Monday.",
    "Ukraine said Ukrainian troops had pulled back from the border towns.",
    "Stocks fell. Some analysts said stocks could fall again. Shares in Shell rose.",
    "Michael Owen and Michel Platini were both at the ceremony in Paris on Monday.",
])
def test_distinct_names_are_not_variants(text):
    assert signals(text, "name_variants") == []


def test_capitalised_common_words_at_sentence_start_are_not_names():
    text = ("Sales rose 5% in March. Sails were sold out. Sale prices were cut. "
            "The firm, based in Wales, said the Whales exhibit had closed.")
    assert all(not s.flag for s in signals(text, "name_variants"))


def test_skeleton():
    assert skeleton("Phillips") == skeleton("Filips")
    assert skeleton("Blinken") != skeleton("Blunket")


# --- mojibake -------------------------------------------------------------------------


def test_mojibake_marks_the_broken_word():
    text = "The minister said he didnâ€™t know. Sales rose by 5%."
    (sig,) = signals(text, "mojibake")
    assert sig.flag and spanned(text, sig) == ["didnâ€™t"]


def test_replacement_character():
    text = "The caf\ufffd on the corner closed on Monday."
    (sig,) = signals(text, "mojibake")
    assert spanned(text, sig) == ["caf\ufffd"]


@pytest.mark.parametrize("text", [
    "The café in Zürich raised prices by 5% – to £3.50 – the owner said.",
    "“We’re delighted,” said José Mourinho, who won 2–1 on Saturday.",
    "Temperatures reached 40°C and the yen hit ¥110 against the dollar.",
])
def test_clean_unicode_is_not_mojibake(text):
    assert signals(text, "mojibake") == []


# --- doubled words --------------------------------------------------------------------


def test_doubled_function_words_are_marked():
    text = "Firefighters battled the the flames, and and residents left. Of of course not."
    found = signals(text, "doubled_word")
    assert [spanned(text, sig) for sig in found] == [["the the", "and and"], ["Of of"]]
    assert all(sig.flag for sig in found)
    assert found[0].message == 'word written twice: "and and", "the the"'


@pytest.mark.parametrize("text", [
    "He had had enough of the talks.",
    "She said that that was the end of it.",
    "It is a shame this has been dissipated in in-fighting.",
    "We have been placed in in the past, and waited for for years.",
    "The The played to a full house in London.",
    "There was the theatre, and a anchor of the other.",
])
def test_grammatical_doubles_and_near_misses_are_not_marked(text):
    assert signals(text, "doubled_word") == []


# --- split words ----------------------------------------------------------------------


def test_words_broken_in_two_are_marked():
    text = ("The use of artill ery and jets has grown in the east of the coun try, the army said.\n\n"
            "Officials at the Bank of Eng land said so in a state ment.")
    found = signals(text, "split_word")
    assert [spanned(text, sig) for sig in found] == [["artill ery", "coun try"], ["Eng land", "state ment"]]
    assert all(sig.flag for sig in found) and found[0].detail == {"words": 2}


@pytest.mark.parametrize("text", [
    "Anyone can see the history of the Tory party.",
    "Any one of them could go with in the hour, and the web site said so.",  # both pieces common
    "He studied his Tory rivals closely.",  # "history", but the second piece is a name
    "BAS is the company's name.",  # "basis", but the first piece is an acronym
    "A lone gunman was seen, a re-run was ordered.",  # one-letter pieces
    "Fighting in the north-east of the country continued.",
])
def test_ordinary_word_pairs_are_not_split_words(text):
    assert signals(text, "split_word") == []


# --- repeats and truncation -----------------------------------------------------------


def test_exact_repeat():
    s = "The company said it expected profits to rise sharply over the coming year."
    text = f"{s} Analysts were cautious.\n\nShares rose 2%. {s}"
    (sig,) = signals(text, "repeated_sentence")
    assert sig.flag and sig.detail == {"exact": True}
    assert sig.passage_index == 1 and sig.spans[0][0] == text.rindex(s)


def test_near_repeat():
    a = "The company said on Tuesday that it expected annual profits to rise sharply next year."
    b = "The company said on Tuesday that it expected yearly profits to rise sharply next year."
    (sig,) = signals(f"{a} Analysts disagreed. {b}", "repeated_sentence")
    assert sig.detail == {"exact": False}


def test_short_repeats_are_fine():
    assert signals("He said no. Then she said no. He said no.", "repeated_sentence") == []


def test_truncated_paragraph():
    text = ("The minister said the government would look again at the plans for the "
            "new airport and that a decision on the\n\nIt was not clear when.")
    (sig,) = signals(text, "truncated_sentence")
    assert sig.flag and spanned(text, sig) == ["the"]


def test_long_unpunctuated_paragraph_is_weak():
    text = ("Shares in the company rose sharply on Monday after it reported record profits "
            "for the third quarter running")
    (sig,) = signals(text, "truncated_sentence")
    assert not sig.flag


def test_headings_are_not_truncated():
    text = "Election 2005: the campaign so far\n\nThe campaign began on Monday."
    assert signals(text, "truncated_sentence") == []


# --- the whole thing ------------------------------------------------------------------

CLEAN = [
    "Japan's economy teetered on the brink of a technical recession in the three months "
    "to September, figures show.",
    "Revised figures indicated growth of just 0.1% - and a similar-sized contraction in the "
    "previous quarter. Economy minister Heizo Takenaka said the data was disappointing.",
    "\"It's painting a picture of a recovery... much patchier than previously thought,\" "
    "said Paul Sheard, economist at Lehman Brothers in Tokyo.",
    "Mr Takenaka said the government would monitor developments carefully.",
]


def test_clean_article_gives_nothing():
    assert article_signals(segment_paragraphs(CLEAN)) == []


def test_paragraph_coordinates():
    paras = ["Antony Blinken flew in.", "Aides said Mr Blinkin was tired."]
    found = article_signals(segment_paragraphs(paras))
    (sig,) = [s for s in found if s.type == "name_variants"]
    assert sig.passage_index == 1
    assert paras[1][slice(*sig.spans[0])] == "Blinkin"


def test_signal_is_frozen():
    sig = Signal("mojibake", 0, ((0, 1),), "m", True, {"words": 1})
    with pytest.raises(AttributeError):
        sig.flag = False


# --- the case files, without the model ------------------------------------------------

def _cases(name):
    import json
    from pathlib import Path

    return json.loads((Path(__file__).with_name("cases") / f"{name}.json").read_text("utf-8"))


@pytest.mark.parametrize("case", _cases("clean"), ids=lambda c: c["label"])
def test_no_flagging_signal_on_clean_cases(case):
    assert [s for s in signals(case["text"]) if s.flag] == []


@pytest.mark.parametrize("label,kind", [
    ("name-double-spelling", "name_variants"), ("mojibake-quotes", "mojibake"),
    ("mojibake-accents", "mojibake"), ("replacement-characters", "mojibake"),
    ("repeated-sentence", "repeated_sentence"), ("truncated-paragraph", "truncated_sentence"),
    ("doubled-words-and-preposition", "doubled_word"), ("fragment-split-word", "split_word"),
    ("synthetic-2", "split_word"),
])
def test_signals_flag_their_garbled_cases(label, kind):
    (case,) = [c for c in _cases("garbled") if c["label"] == label]
    assert any(s.type == kind and s.flag for s in signals(case["text"]))
