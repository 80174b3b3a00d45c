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
    ConfigError,
    DecodingError,
    EmptyInputError,
    HtmlInputError,
    InputTooLargeError,
    InputTooShortError,
    InputTypeError,
    ModelLoadError,
    TelltaleError,
    UnsupportedLanguageError,
)
from .results import (
    VERDICT_ARTICLE,
    VERDICT_CLEAN,
    VERDICT_PASSAGES,
    VERDICTS,
    ArticleResult,
    PassageResult,
    Reason,
    ScoreResult,
    SentenceResult,
    Thresholds,
)
from .scoring import Scorer

__all__ = [
    "Scorer",
    "ScorerConfig",
    "ScoreResult",
    "ArticleResult",
    "PassageResult",
    "SentenceResult",
    "Reason",
    "Thresholds",
    "VERDICTS",
    "VERDICT_ARTICLE",
    "VERDICT_PASSAGES",
    "VERDICT_CLEAN",
    "TelltaleError",
    "EmptyInputError",
    "BinaryInputError",
    "ConfigError",
    "DecodingError",
    "HtmlInputError",
    "InputTooLargeError",
    "InputTooShortError",
    "InputTypeError",
    "UnsupportedLanguageError",
    "ModelLoadError",
]
