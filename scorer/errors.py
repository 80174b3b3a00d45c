"""Errors Telltale raises for bad input or a bad model, with user-facing messages.

Every message says what went wrong, the limit that was hit (with its number) and
what to do about it; none quotes the submitted text, so messages are safe to log
and to send back to a client. The server maps each class to an HTTP status.

>>> err = InputTooLargeError("The text has 250,000 characters; the limit is 200,000.")
>>> isinstance(err, TelltaleError), isinstance(err, ValueError)
(True, True)
>>> str(EmptyInputError())
"The text is empty (or only whitespace); there is nothing to score. Pass the article's text."
"""

from __future__ import annotations


class TelltaleError(Exception):
    """Base class: input Telltale cannot score, or a model it cannot load."""

    default_message = "Telltale could not score this input."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        return str(self)


class EmptyInputError(TelltaleError, ValueError):
    """The text (or every paragraph) is empty or only whitespace."""

    default_message = ("The text is empty (or only whitespace); there is nothing to score. "
                       "Pass the article's text.")


class InputTooShortError(EmptyInputError):
    """Too few words to judge: the classifier's probability for a word or two (a
    placeholder such as "N/A", debris of a page) says nothing about machine translation.
    A kind of ``EmptyInputError`` (the server answers ``empty_input`` for both)."""

    default_message = ("The text is too short to judge (Telltale needs a few words of prose). "
                       "Pass the article's text.")


class BinaryInputError(TelltaleError, ValueError):
    """The input looks like binary data (NUL bytes or many control characters)."""

    default_message = ("The input looks like binary data, not text (it contains NUL bytes or many "
                       "control characters). Pass the article as plain text or an HTML page.")


class DecodingError(TelltaleError, ValueError):
    """Bytes that are not valid UTF-8."""

    default_message = ("The input is not valid UTF-8 text. Convert it to UTF-8 first "
                       "(e.g. `iconv -f LATIN1 -t UTF-8 file.txt`).")


class InputTooLargeError(TelltaleError, ValueError):
    """More characters or paragraphs than the configured limit."""

    default_message = "The input is larger than Telltale's limit. Score the article body only, or split it."


class InputTypeError(TelltaleError, TypeError):
    """Text or paragraphs of the wrong type (e.g. None, a number, bytes)."""

    default_message = "Pass the text as a str, or the paragraphs as a list of str."


class HtmlInputError(TelltaleError, ValueError):
    """An HTML page given where plain text was expected."""

    default_message = ("The text looks like an HTML page, not plain text: its markup would be scored "
                       "as words. Extract the article's text first (`telltale score page.html` does, "
                       "or scorer.inputs.html_to_text(page) in Python).")


class UnsupportedLanguageError(TelltaleError, ValueError):
    """Text that is confidently not English (the detector only knows English).

    ``language`` is the identifier's language code and ``confidence`` its probability
    (None when not known); ``reason`` is the message without ``advice`` (how a Python or
    command-line caller turns the check off), for callers that cannot use that advice."""

    default_message = ("The text does not look like English; Telltale only scores English text and "
                       "would give meaningless scores for other languages.")

    def __init__(self, reason: str | None = None, language: str | None = None,
                 confidence: float | None = None, advice: str = ""):
        self.reason = reason or self.default_message
        super().__init__(f"{self.reason} {advice}".strip())
        self.language = language
        self.confidence = confidence


class ConfigError(TelltaleError, ValueError):
    """An option or ``TELLTALE_*`` environment variable with a value Telltale cannot use;
    the message names it and the values it takes."""

    default_message = "A Telltale option has a value it cannot use."


class ModelLoadError(TelltaleError, RuntimeError):
    """The model folder is missing, incomplete or of the wrong version."""

    default_message = ("The detector model could not be loaded. Reinstall Telltale, or pass the "
                       "folder written by `telltale train`.")


__all__ = [
    "TelltaleError",
    "EmptyInputError",
    "InputTooShortError",
    "BinaryInputError",
    "DecodingError",
    "HtmlInputError",
    "InputTooLargeError",
    "InputTypeError",
    "UnsupportedLanguageError",
    "ConfigError",
    "ModelLoadError",
]
