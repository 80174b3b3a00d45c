"""Text -> passages (paragraphs) -> sentences, with exact character offsets.

Every ``Sentence`` satisfies ``text[s.start:s.end] == s.text``, trimmed of
surrounding whitespace. Offsets index the string that was segmented: the whole
text for :func:`segment`, the paragraph itself for :func:`segment_paragraphs`.

Paragraphs. Blank lines always separate paragraphs. A single line break also
ends one (news pages extracted to text put one paragraph per line; headings and
bullet items sit on their own lines), except where the text is hard-wrapped: a
line that runs close to the block's full width, does not end a sentence and is
not followed by a bullet continues on the next line. Bullet markers ("- ", "• ",
"1. ", "2) ") are left out of the sentence they introduce.

Sentences. syntok (segtok's successor) splits each line; measured on 100 BBC
articles it is 7x faster than pysbd and splits multi-sentence quotes and
"3 p.m. Friday" correctly. Two fixes on top: syntok ends a sentence after some
titles ("Gov. Kathy Hochul"), so a split after a title followed by a capital is
undone; and a run-on "sentence" longer than ``max_sentence_chars`` is cut at
whitespace, because the detector only reads its first 96 tokens (the shipped
model's ``max_length``) anyway.

>>> text = "U.S. Sen. Mark Kelly spoke on Jan. 13. He said... nothing.\\n\\n(Jane Smith/Reuters)"
>>> [(p.index, [s.text for s in p.sentences]) for p in segment(text)]
[(0, ['U.S. Sen. Mark Kelly spoke on Jan. 13.', 'He said... nothing.']), (1, ['(Jane Smith/Reuters)'])]
>>> s = segment(text)[0].sentences[1]
>>> text[s.start:s.end]
'He said... nothing.'
>>> [p.index for p in segment_paragraphs(["First.", "  ", "Second one."])]
[0, 2]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Sequence

import syntok.segmenter as _syntok

DEFAULT_MAX_SENTENCE_CHARS = 1000

_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85")
_BLANK_LINE = re.compile(r"[ \t\f\v\u00a0]*(?:\r\n|\r|\n|\u2028|\u2029|\x85)[ \t\f\v\u00a0]*"
                         r"(?:(?:\r\n|\r|\n|\u2028|\u2029|\x85)[ \t\f\v\u00a0]*)+")
_BULLET = re.compile(r"[ \t\u00a0]*(?:[-*\u2022\u00b7\u2023\u25aa\u25cf\u2013\u2014\u25e6]|\d{1,3}[.)]|[a-z][.)])[ \t\u00a0]+")
_SENTENCE_END = re.compile(r"[.!?:;\u2026]['\"\u2019\u201d)\]]*\s*$")
# Titles after which syntok wrongly ends a sentence when a name follows.
_TITLES = frozenset(
    "Gov Rep Reps Sen Sens Lt Sgt Rev Hon Pres Supt Det Cmdr Maj Cpl Insp Atty Ft Messrs Mme "
    "Cllr Gen Col Capt Adm Brig Dr Mr Mrs Ms Prof Mt St Gens Cdr Pvt Spc Amb Sec Treas Gov't".split()
)
_TITLE_AT_END = re.compile(r"(?:^|[\s(\"'\u201c])([A-Z][a-z]{1,6})\.$")

# A line at least this share of its block's longest line, not ending a
# sentence, is taken as hard-wrapped (continued on the next line).
_WRAP_SHARE = 0.75
_WRAP_MIN_WIDTH = 40


@dataclass(frozen=True)
class Sentence:
    """A sentence and its position: ``source[start:end] == text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Passage:
    """A paragraph: its index, its span, its text and its sentences."""

    index: int
    start: int
    end: int
    text: str
    sentences: tuple[Sentence, ...]


def segment(text: str, *, max_sentence_chars: int = DEFAULT_MAX_SENTENCE_CHARS) -> list[Passage]:
    """Split an article's text into passages and sentences; offsets index ``text``.

    Passages are numbered 0, 1, 2... in order; whitespace-only paragraphs are skipped.
    """
    passages = []
    for start, end in paragraph_spans(text):
        sentences = tuple(_sentences(text, start, end, max_sentence_chars))
        if sentences:
            passages.append(Passage(len(passages), start, end, text[start:end], sentences))
    return passages


def segment_paragraphs(paragraphs: Sequence[str], *,
                       max_sentence_chars: int = DEFAULT_MAX_SENTENCE_CHARS) -> list[Passage]:
    """One passage per non-blank paragraph, keeping its index in ``paragraphs``.

    Offsets index the paragraph: ``paragraphs[p.index][s.start:s.end] == s.text``.
    Line breaks inside a paragraph are handled as in :func:`segment`, but the
    paragraph stays one passage.
    """
    passages = []
    for index, para in enumerate(paragraphs):
        if not isinstance(para, str):
            raise TypeError(f"paragraph {index} is {type(para).__name__}, expected str")
        sentences = tuple(s for start, end in paragraph_spans(para)
                          for s in _sentences(para, start, end, max_sentence_chars))
        if sentences:
            start, end = sentences[0].start, sentences[-1].end
            passages.append(Passage(index, start, end, para[start:end], sentences))
    return passages


# -- paragraphs ---------------------------------------------------------------

def paragraph_spans(text: str) -> Iterator[tuple[int, int]]:
    """Trimmed (start, end) of each paragraph of ``text``, as :func:`segment` splits it
    (the server checks its per-paragraph limits on ``text`` with it)."""
    pos = 0
    for sep in _BLANK_LINE.finditer(text):
        yield from _block_paragraphs(text, pos, sep.start())
        pos = sep.end()
    yield from _block_paragraphs(text, pos, len(text))


def _block_paragraphs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split a block without blank lines at its hard line breaks."""
    lines = []
    pos = start
    for br in _LINE_BREAK.finditer(text, start, end):
        lines.append((pos, br.start()))
        pos = br.end()
    lines.append((pos, end))
    lines = [_trim(text, a, b) for a, b in lines]
    lines = [(a, b) for a, b in lines if b > a]
    if not lines:
        return
    width = max(b - a for a, b in lines)
    para_start = lines[0][0]
    for (a, b), nxt in zip(lines, lines[1:] + [None]):
        if nxt is None:
            yield para_start, b
        elif not _continues(text[a:b], text[nxt[0]:nxt[1]], width):
            yield para_start, b
            para_start = nxt[0]


def _continues(line: str, next_line: str, width: int) -> bool:
    """Whether ``line`` is hard-wrapped and ``next_line`` carries on its paragraph."""
    return (width >= _WRAP_MIN_WIDTH
            and len(line) >= _WRAP_SHARE * width
            and not _SENTENCE_END.search(line)
            and not _BULLET.match(next_line))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# -- sentences ----------------------------------------------------------------

def _sentences(text: str, start: int, end: int, max_chars: int) -> Iterator[Sentence]:
    """Sentences of one paragraph span, split line by line (bullets stripped)."""
    line_starts = [start] + [br.end() for br in _LINE_BREAK.finditer(text, start, end)]
    # A wrapped paragraph is segmented as one unit; bullet lines each start a unit.
    units, unit_start = [], start
    for pos in line_starts[1:]:
        if _BULLET.match(text, pos):
            units.append((unit_start, pos))
            unit_start = pos
    units.append((unit_start, end))
    for a, b in units:
        bullet = _BULLET.match(text, a, b)
        if bullet and bullet.end() < b:
            a = bullet.end()
        a, b = _trim(text, a, b)
        if b > a:
            yield from _split_unit(text, a, b, max_chars)


def _split_unit(text: str, start: int, end: int, max_chars: int) -> Iterator[Sentence]:
    spans = []
    chunk = text[start:end]
    for para in _syntok.analyze(chunk):
        for tokens in para:
            if not tokens:
                continue
            a = start + tokens[0].offset
            b = start + tokens[-1].offset + len(tokens[-1].value)
            if spans and _ends_with_title(text[spans[-1][0]:spans[-1][1]]) and text[a:a + 1].isupper():
                spans[-1] = (spans[-1][0], b)
            else:
                spans.append((a, b))
    for a, b in spans:
        for c, d in _cut_long(text, a, b, max_chars):
            yield Sentence(c, d, text[c:d])


def _ends_with_title(sentence: str) -> bool:
    m = _TITLE_AT_END.search(sentence)
    return bool(m) and m.group(1) in _TITLES


def _cut_long(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    """Cut a span longer than ``max_chars`` at whitespace (hard cut if there is none)."""
    while end - start > max_chars:
        cut = text.rfind(" ", start + 1, start + max_chars + 1)
        if cut <= start:
            cut = start + max_chars
        a, b = _trim(text, start, cut)
        if b > a:
            yield a, b
        start, _ = _trim(text, cut, end)
    if end > start:
        yield start, end
