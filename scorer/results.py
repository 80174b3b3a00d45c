"""What scoring returns: frozen dataclasses whose ``to_dict()`` is the shared JSON.

``ScoreResult.from_dict`` reads the JSON back (e.g. a team server's answer, whose
extra ``timing_ms`` and ``cached`` it ignores). Python and JSON names differ in two
places: ``model_name`` and ``model_version`` are ``model.name`` and ``model.version``
in the JSON, and a reason's ``flag`` (a cue strong enough to flag its sentence) stays
out of it, so reasons read back have ``flag`` False.

The JSON shape (see ARCHITECTURE.md) is shared by the library, the server and
the extension::

    {"model": {"name", "version"}, "threshold": float,
     "thresholds": {"sentence", "passage", "article"},
     "article": {"probability", "flagged", "verdict", "passages", "flagged_passages",
                 "sentences", "flagged_sentences"},
     "passages": [{"index", "start", "end", "probability", "flagged", "flagged_sentences",
                   "sentences": [{"start", "end", "text", "probability", "flagged",
                                  "reasons": [{"type": "classifier", "probability": 0.91}, ...]}]}]}

>>> from scorer import Scorer
>>> result = Scorer.load().score("The council met on Tuesday. It voted to extend the night buses.")
>>> result  # doctest: +ELLIPSIS
<ScoreResult 'no signs' p=0...: ... of 2 sentences flagged in 1 passages (telltale-minilm 1.1.0)>
>>> r = Reason.classifier(0.91)
>>> r.to_dict()
{'type': 'classifier', 'probability': 0.91}
>>> Reason.from_dict({"type": "name_variants", "names": ["Zelensky", "Zelenskyy"], "spans": [[0, 8]]}).to_dict()
{'type': 'name_variants', 'spans': [[0, 8]], 'names': ['Zelensky', 'Zelenskyy']}
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

VERDICT_ARTICLE = "likely machine-translated or garbled"
VERDICT_PASSAGES = "some passages look garbled"
VERDICT_CLEAN = "no signs"
VERDICTS = (VERDICT_ARTICLE, VERDICT_PASSAGES, VERDICT_CLEAN)


class Detail(Mapping):
    """A reason's own fields, read-only (a ``types.MappingProxyType`` would do, but
    it cannot be pickled or deep-copied, so results could not leave a worker
    process of a pool, be cached on disk or go through ``dataclasses.asdict``).

    >>> import pickle
    >>> d = Detail({"names": ["Zelensky", "Zelenskyy"]})
    >>> pickle.loads(pickle.dumps(d)) == d, dict(d)
    (True, {'names': ['Zelensky', 'Zelenskyy']})
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any] = ()):
        object.__setattr__(self, "_data", dict(data))

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self):
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __setattr__(self, name, value):
        raise AttributeError("a reason's detail is read-only")

    def __reduce__(self):
        return (Detail, (self._data,))

    def __repr__(self) -> str:
        return f"Detail({self._data!r})"


@dataclass(frozen=True)
class Reason:
    """Why a sentence got its score: the classifier, or an article-level cue.

    ``detail`` holds the cue's own fields (e.g. ``names`` for ``name_variants``);
    ``flag`` marks a cue strong enough to flag its sentence on its own (it is
    not part of the JSON).
    """

    type: str
    probability: float | None = None
    spans: tuple[tuple[int, int], ...] = ()
    detail: Mapping[str, Any] = field(default_factory=Detail, hash=False)
    flag: bool = False

    @classmethod
    def classifier(cls, probability: float) -> "Reason":
        return cls("classifier", probability=float(probability))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, flag: bool | None = None) -> "Reason":
        """A reason from a plain dict such as a signal's ``to_reason()``."""
        data = dict(data)
        kind = str(data.pop("type"))
        prob = data.pop("probability", None)
        spans = tuple((int(s), int(e)) for s, e in data.pop("spans", ()) or ())
        flag_value = bool(data.pop("flag", False)) if flag is None else flag
        return cls(kind, None if prob is None else float(prob), spans,
                   Detail(copy.deepcopy(data)), flag_value)

    def shifted(self, offset: int) -> "Reason":
        """The same reason with spans moved by ``offset`` characters."""
        if not offset or not self.spans:
            return self
        return Reason(self.type, self.probability, tuple((s + offset, e + offset) for s, e in self.spans),
                      self.detail, self.flag)

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"type": self.type}
        if self.probability is not None:
            out["probability"] = self.probability
        if self.spans:
            out["spans"] = [[s, e] for s, e in self.spans]
        for key, value in self.detail.items():
            out.setdefault(key, copy.deepcopy(value))
        return out


@dataclass(frozen=True)
class SentenceResult:
    start: int
    end: int
    text: str
    probability: float
    flagged: bool
    reasons: tuple[Reason, ...] = ()

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text,
                "probability": self.probability, "flagged": self.flagged,
                "reasons": [r.to_dict() for r in self.reasons]}


@dataclass(frozen=True)
class PassageResult:
    index: int
    start: int
    end: int
    probability: float
    flagged: bool
    sentences: tuple[SentenceResult, ...]

    @property
    def flagged_sentences(self) -> int:
        return sum(s.flagged for s in self.sentences)

    def to_dict(self) -> dict:
        return {"index": self.index, "start": self.start, "end": self.end,
                "probability": self.probability, "flagged": self.flagged,
                "flagged_sentences": self.flagged_sentences,
                "sentences": [s.to_dict() for s in self.sentences]}


@dataclass(frozen=True)
class ArticleResult:
    probability: float
    flagged: bool
    verdict: str
    passages: int = 0
    flagged_passages: int = 0
    sentences: int = 0
    flagged_sentences: int = 0

    def to_dict(self) -> dict:
        return {"probability": self.probability, "flagged": self.flagged, "verdict": self.verdict,
                "passages": self.passages, "flagged_passages": self.flagged_passages,
                "sentences": self.sentences, "flagged_sentences": self.flagged_sentences}


@dataclass(frozen=True)
class Thresholds:
    sentence: float
    passage: float
    article: float

    def to_dict(self) -> dict:
        return {"sentence": self.sentence, "passage": self.passage, "article": self.article}


@dataclass(frozen=True)
class ScoreResult:
    """Scores of one text (or one list of paragraphs)."""

    model_name: str
    model_version: str
    thresholds: Thresholds
    article: ArticleResult
    passages: tuple[PassageResult, ...]

    @property
    def threshold(self) -> float:
        """The sentence threshold in force (the JSON's top-level ``threshold``)."""
        return self.thresholds.sentence

    def sentences(self) -> Iterator[tuple[PassageResult, SentenceResult]]:
        """Every (passage, sentence) pair in order."""
        for passage in self.passages:
            for sentence in passage.sentences:
                yield passage, sentence

    def flagged(self) -> list[tuple[PassageResult, SentenceResult]]:
        """The flagged sentences, each with its passage (whose ``index`` says which
        paragraph a sentence's offsets index when paragraphs were scored)."""
        return [(p, s) for p, s in self.sentences() if s.flagged]

    def __repr__(self) -> str:
        # the whole tree is in to_dict(); a REPL wants the gist
        a = self.article
        return (f"<ScoreResult {a.verdict!r} p={a.probability:.2f}: {a.flagged_sentences} of {a.sentences} "
                f"sentences flagged in {a.passages} passages ({self.model_name} {self.model_version})>")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ScoreResult":
        """The result whose ``to_dict()`` is ``data`` (the shared JSON, as the server
        sends it); ``KeyError`` or ``TypeError`` when a field is missing."""
        def sentence(d):
            return SentenceResult(int(d["start"]), int(d["end"]), str(d["text"]), float(d["probability"]),
                                  bool(d["flagged"]), tuple(Reason.from_dict(r, flag=False) for r in d["reasons"]))

        def passage(d):
            return PassageResult(int(d["index"]), int(d["start"]), int(d["end"]), float(d["probability"]),
                                 bool(d["flagged"]), tuple(sentence(x) for x in d["sentences"]))

        a, t = data["article"], data["thresholds"]
        article = ArticleResult(float(a["probability"]), bool(a["flagged"]), str(a["verdict"]),
                                *(int(a[k]) for k in ("passages", "flagged_passages", "sentences",
                                                      "flagged_sentences")))
        return cls(str(data["model"]["name"]), str(data["model"]["version"]),
                   Thresholds(float(t["sentence"]), float(t["passage"]), float(t["article"])),
                   article, tuple(passage(p) for p in data["passages"]))

    def to_dict(self) -> dict:
        return {"model": {"name": self.model_name, "version": self.model_version},
                "threshold": self.threshold,
                "thresholds": self.thresholds.to_dict(),
                "article": self.article.to_dict(),
                "passages": [p.to_dict() for p in self.passages]}
