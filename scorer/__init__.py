"""Telltale: flags machine-translated or garbled passages in news articles.

Score an article in three lines:

>>> from scorer import Scorer
>>> scorer = Scorer.load()
>>> result = scorer.score("The council voted on Tuesday to extend the night bus service.")
>>> sorted(result.to_dict())
['article', 'model', 'passages', 'threshold', 'thresholds']

Bad input raises a ``TelltaleError`` subclass with a message safe to show a user.
"""

from .config import ScorerConfig
from .errors import (
    BinaryInputError,
    DecodingError,
    EmptyInputError,
    HtmlInputError,
    InputTooLargeError,
    InputTypeError,
    ModelLoadError,
    TelltaleError,
    UnsupportedLanguageError,
)
from .results import ScoreResult
from .scoring import Scorer

__all__ = [
    "Scorer",
    "ScorerConfig",
    "ScoreResult",
    "TelltaleError",
    "EmptyInputError",
    "BinaryInputError",
    "DecodingError",
    "HtmlInputError",
    "InputTooLargeError",
    "InputTypeError",
    "UnsupportedLanguageError",
    "ModelLoadError",
]
