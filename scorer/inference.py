"""Fast inference: the detector's network run on packed tokens, with int8 or bf16 linear layers.

Training runs the encoder as Hugging Face's ``BertModel`` on padded batches
(:func:`scorer.model.build_net`); that network in fp32 is the reference
(``precision="fp32"``). For inference :class:`PackedNet` holds the same weights
(the packaged base encoder with the LoRA adapter merged in) and

- runs every linear layer once per chunk on all its tokens packed into one
  ``[tokens, 384]`` matrix: no work is spent on padding, and the matrix products
  are large enough to run near the CPU's peak;
- runs attention per window of sentences (:mod:`scorer.context`) on a padded view
  of the same tokens, in groups of windows of similar length (attention is a small
  part of the work);
- fuses query, key and value into one product, and stores the linear layers in
  bf16 (oneDNN; fast where the CPU has AVX512-BF16 or AMX) or int8 (weights per
  output channel, activations quantized per token at run time, int8 x int8 ->
  int32 products with ``torch._int_mm``: VNNI where the CPU has it).

int8 is the default: on the shipped model it moves sentence logits by about
0.07 on average (0.7 at most; model 1.1.0, ``benchmarks/accuracy.py --limit 0``) and dev
AUCs by less than 0.001, and runs about
15 % faster than bf16 here; bf16 moves logits by about 0.003 (0.03 at most)
but is quick only on CPUs with AVX512-BF16 or AMX. Per-tensor int8 (``torch.ao``'s
dynamic quantization) moved logits by up to 1.0 and is not used: a few tokens
([CLS], [SEP], punctuation) carry activations far larger than the rest, and one
scale for all tokens crushes the others. ``benchmarks/accuracy.py`` and
``tests/test_precision.py`` measure the drift.

It needs neither transformers nor peft, so a worker starts sooner and uses less
memory. ``tests/test_model.py`` checks it in fp32 against the reference network.

>>> PRECISIONS
('int8', 'bf16', 'fp32')
"""

from __future__ import annotations

import json
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import ConfigError, ModelLoadError

PRECISIONS = ("int8", "bf16", "fp32")
DEFAULT_PRECISION = "int8"
PRECISION_ENV = "TELLTALE_PRECISION"
_ADAPTER_PREFIX = "base_model.model."


def resolve_precision(precision: str | None) -> str:
    """``precision``, else ``$TELLTALE_PRECISION``, else the default (int8).

    >>> resolve_precision("FP32")
    'fp32'
    >>> resolve_precision("fp16")
    Traceback (most recent call last):
    ...
    scorer.errors.ConfigError: precision must be one of int8, bf16, fp32 (fp32 is the reference), not 'fp16'
    """
    value = precision if precision is not None else os.environ.get(PRECISION_ENV) or DEFAULT_PRECISION
    name = str(value).strip().lower()
    if name not in PRECISIONS:
        source = "" if precision is not None else f" (from ${PRECISION_ENV})"
        raise ConfigError(f"precision must be one of {', '.join(PRECISIONS)} (fp32 is the reference), "
                         f"not {value!r}{source}")
    return name


_torch_thread = None
_torch_thread_lock = threading.Lock()
_torch_work = threading.RLock()  # held while torch work runs (re-entrant: nested calls run inline)


def on_torch_thread(fn, *args, **kwargs):
    """Run ``fn`` where this process runs its torch work: inline on the main thread,
    else on one shared long-lived thread ("telltale-torch").

    Torch's CPU kernels parallelise with OpenMP, and every thread that starts
    parallel work gets its own pool of OpenMP threads. With two pools on a
    2-core machine (a server's request threads, a loader thread), GNU OpenMP
    stops spinning while it waits and each of the encoder's hundreds of small
    parallel steps pays a sleep and a wake-up: one article took 95 ms instead of
    45 ms. Funnelling all detector work through one thread keeps one pool.
    Callers are serialised, as they would be anyway on a CPU the model saturates:
    a main-thread call and the shared thread's work take one lock.
    """
    global _torch_thread
    if threading.current_thread() is threading.main_thread():
        with _torch_work:
            return fn(*args, **kwargs)
    if _torch_thread is None:
        from concurrent.futures import ThreadPoolExecutor

        with _torch_thread_lock:
            if _torch_thread is None:
                _torch_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="telltale-torch")
    if threading.current_thread().name.startswith("telltale-torch"):
        return fn(*args, **kwargs)
    return _torch_thread.submit(_holding_lock, fn, *args, **kwargs).result()


def _holding_lock(fn, *args, **kwargs):
    with _torch_work:
        return fn(*args, **kwargs)


def with_threads(threads: int | None, fn, *args):
    """``fn(*args)`` with torch's thread count (a per-thread setting) at ``threads``."""
    if threads:
        import torch

        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
    return fn(*args)


def merged_weights(base_dir: Path, model_dir: Path) -> dict:
    """The base encoder's weights with the model's LoRA adapter merged in (``W + alpha/r * B @ A``).

    The word embeddings (47 MB, untouched by the adapter) stay memory-mapped from the
    base package's file: only the rows of tokens actually seen are read, and the pages
    are shared by every worker on the machine.
    """
    from safetensors import safe_open
    from safetensors.torch import load_file

    cfg = json.loads((model_dir / "adapter_config.json").read_text())
    unsupported = [k for k in ("use_dora", "use_rslora", "fan_in_fan_out", "rank_pattern", "alpha_pattern",
                               "modules_to_save") if cfg.get(k)]
    if cfg.get("peft_type") != "LORA" or cfg.get("bias", "none") != "none" or unsupported:
        raise ModelLoadError(
            f"The adapter in {model_dir} uses options the fast path does not merge "
            f"(peft_type {cfg.get('peft_type')}, bias {cfg.get('bias')}, {unsupported or 'no others'}). "
            "Load it with precision='fp32' (the reference path through peft) or retrain with `telltale train`.")
    scale = float(cfg["lora_alpha"]) / float(cfg["r"])
    base_file = base_dir / "model.safetensors"
    adapter = load_file(str(model_dir / "adapter_model.safetensors"))
    state = {}
    with safe_open(str(base_file), framework="pt") as f:
        for key in f.keys():
            if key.startswith("pooler.") or key.endswith("position_ids"):
                continue
            # get_tensor's tensors are views of one private mapping of the whole file: a copy
            # lets that mapping go once loaded (else its ~40 MB of read pages stay resident)
            state[key] = _mapped(base_file, key) if key == _WORD_EMBEDDINGS else f.get_tensor(key).clone()
    merged = 0
    for key, a in adapter.items():
        if not key.endswith(".lora_A.weight"):
            continue
        name = key[len(_ADAPTER_PREFIX):-len(".lora_A.weight")] + ".weight"
        b = adapter.get(key.replace(".lora_A.", ".lora_B."))
        if not key.startswith(_ADAPTER_PREFIX) or name not in state or b is None or name == _WORD_EMBEDDINGS:
            raise ModelLoadError(f"The adapter in {model_dir} does not fit the base encoder ({key}). "
                                 "Retrain with `telltale train`.")
        state[name] = state[name] + scale * (b.float() @ a.float())
        merged += 1
    if not merged:
        raise ModelLoadError(f"The adapter in {model_dir} holds no LoRA weights. Retrain with `telltale train`.")
    return state


_WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"


def _mapped(path: Path, key: str):
    """A float32 tensor of a safetensors file, memory-mapped copy-on-write (no read, no copy)."""
    import struct

    import torch

    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
    entry = header[key]
    if entry["dtype"] != "F32":
        raise ModelLoadError(f"{path}: {key} is {entry['dtype']}, expected F32.")
    start, end = entry["data_offsets"]
    shape = tuple(entry["shape"])
    array = np.memmap(path, dtype="<f4", mode="c", offset=8 + size + start, shape=shape)
    if array.nbytes != end - start:
        raise ModelLoadError(f"{path}: {key} has the wrong size.")
    return torch.from_numpy(array)


def release_freed_memory() -> None:
    """Hand freed heap pages back to the OS (glibc keeps large freed blocks otherwise)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


class _Group:
    """Sentences ``[b0, b1)`` of a chunk (tokens ``[t0, t1)``) whose attention runs as one padded batch."""

    def __init__(self, lengths: Sequence[int], b0: int, b1: int, t0: int):
        import torch

        lens = lengths[b0:b1]
        self.t0, self.t1 = t0, t0 + sum(lens)
        self.batch, self.width = len(lens), max(lens)
        if min(lens) == self.width:  # all one length: the packed rows are already the padded view
            self.index = self.mask = None
        else:
            self.index = torch.cat([torch.arange(n) + row * self.width for row, n in enumerate(lens)])
            keep = torch.arange(self.width)[None, :] < torch.tensor(lens)[:, None]
            self.mask = torch.zeros(keep.shape).masked_fill_(~keep, float("-inf"))[:, None, None, :]


def attention_groups(lengths: Sequence[int], max_sentences: int = 64, max_waste: float = 0.25) -> list[_Group]:
    """Split sentences sorted by length into groups whose padded attention wastes little.

    A group ends after ``max_sentences`` sentences or when padding to its longest
    sentence would add more than ``max_waste`` of its tokens.
    """
    groups, b0, t0 = [], 0, 0
    for b in range(1, len(lengths) + 1):
        size = b - b0
        last = b == len(lengths)
        if not last:
            tokens = sum(lengths[b0:b + 1])
            over = (size + 1) * lengths[b] > (1 + max_waste) * tokens and size >= 8
        if last or size >= max_sentences or over:
            groups.append(_Group(lengths, b0, b, t0))
            t0 = groups[-1].t1
            b0 = b
    return groups


@lru_cache(maxsize=1)
def int8_linear_class():
    """``Int8Linear(layer)``: a linear layer with int8 weights (one scale per output
    channel) and int8 activations (one scale per token, set at run time),
    accumulated in int32 by ``torch._int_mm`` (VNNI where the CPU has it).
    Takes inputs of any leading shape; the bias is optional. Used by the
    detector's fast path and by the language model (:mod:`scorer.lm`)."""
    import torch
    from torch import nn

    class Int8Linear(nn.Module):
        def __init__(self, layer: nn.Linear):
            super().__init__()
            w = layer.weight.detach().float()
            scale = w.abs().amax(dim=1).clamp(min=1e-12) / 127
            self.register_buffer("weight", (w / scale[:, None]).round().clamp(-127, 127).to(torch.int8))
            self.register_buffer("scale", scale)
            self.register_buffer("bias", None if layer.bias is None else layer.bias.detach().float())
            self.out_features = w.shape[0]

        def forward(self, x):
            shape = x.shape
            x = x.reshape(-1, shape[-1])
            sx = x.abs().amax(dim=1, keepdim=True).clamp(min=1e-12) / 127
            xq = (x / sx).round_().to(torch.int8)
            y = torch._int_mm(xq, self.weight.t()).float().mul_(sx).mul_(self.scale)
            if self.bias is not None:
                y.add_(self.bias)
            return y.reshape(*shape[:-1], self.out_features)

    return Int8Linear


def _net_class():
    import torch
    from torch import nn
    from torch.nn import functional as F

    def linear(state, name) -> nn.Linear:
        """An ``nn.Linear`` holding the given tensors (no initialisation, no copy)."""
        w, b = state[name + ".weight"], state[name + ".bias"]
        layer = nn.Linear(w.shape[1], w.shape[0], device="meta")
        layer.weight = nn.Parameter(w, requires_grad=False)
        layer.bias = nn.Parameter(b, requires_grad=False)
        return layer

    class Bf16Linear(nn.Module):
        """A linear layer in bf16 (weights, inputs, outputs; oneDNN accumulates in fp32).
        Attention and GELU then run on its bf16 output; the residual stream and layer
        norms stay fp32 (adding a bf16 tensor to an fp32 one gives fp32)."""

        def __init__(self, layer: nn.Linear):
            super().__init__()
            self.register_buffer("weight", layer.weight.detach().to(torch.bfloat16))
            self.register_buffer("bias", layer.bias.detach().to(torch.bfloat16))

        def forward(self, x):
            return F.linear(x.to(torch.bfloat16), self.weight, self.bias)

    Int8Linear = int8_linear_class()

    class Layer(nn.Module):
        def __init__(self, state, prefix: str, heads: int, eps: float):
            super().__init__()
            a = prefix + ".attention"
            qkv = {k: torch.cat([state[f"{a}.self.{n}.{k}"] for n in ("query", "key", "value")])
                   for k in ("weight", "bias")}
            self.qkv = linear({"qkv.weight": qkv["weight"], "qkv.bias": qkv["bias"]}, "qkv")
            self.out = linear(state, f"{a}.output.dense")
            self.ffn_in = linear(state, f"{prefix}.intermediate.dense")
            self.ffn_out = linear(state, f"{prefix}.output.dense")
            for name, key in (("ln1", f"{a}.output.LayerNorm"), ("ln2", f"{prefix}.output.LayerNorm")):
                self.register_buffer(name + "_w", state[key + ".weight"])
                self.register_buffer(name + "_b", state[key + ".bias"])
            self.heads, self.eps = heads, eps

        def forward(self, x, groups):
            t, d = x.shape
            h, dh = self.heads, d // self.heads
            qkv = self.qkv(x).float()  # attention in fp32 whatever the linear layers use
            ctx = torch.empty_like(x)
            for g in groups:
                part = qkv[g.t0:g.t1]
                if g.index is not None:
                    part = part.new_zeros(g.batch * g.width, 3 * d).index_copy_(0, g.index, part)
                q, k, v = part.view(g.batch, g.width, 3, h, dh).permute(2, 0, 3, 1, 4).unbind(0)
                # torch's fused attention: on context windows (up to 256 tokens) about a
                # third faster than plain products and a softmax (benchmarks/latency.py)
                o = F.scaled_dot_product_attention(q, k, v, attn_mask=g.mask)
                o = o.transpose(1, 2).reshape(g.batch * g.width, d)
                ctx[g.t0:g.t1] = o if g.index is None else o.index_select(0, g.index)
            x = F.layer_norm(self.out(ctx) + x, (d,), self.ln1_w, self.ln1_b, self.eps)
            y = self.ffn_out(F.gelu(self.ffn_in(x)))
            return F.layer_norm(y + x, (d,), self.ln2_w, self.ln2_b, self.eps)

    class PackedNet(nn.Module):
        """The detector (encoder, mean pooling, sentence and word heads) over packed tokens."""

        def __init__(self, state: dict, heads: dict, config: dict, precision: str):
            super().__init__()
            self.precision = precision
            self.eps = float(config.get("layer_norm_eps", 1e-12))
            if config.get("hidden_act", "gelu") != "gelu" or config.get("position_embedding_type",
                                                                        "absolute") != "absolute":
                raise ModelLoadError("The base encoder is not a plain BERT (gelu, absolute positions); "
                                     "load it with precision='fp32'.")
            self.register_buffer("word", state[_WORD_EMBEDDINGS])
            self.register_buffer("pos", state["embeddings.position_embeddings.weight"])
            self.register_buffer("type0", state["embeddings.token_type_embeddings.weight"][0].clone())
            self.register_buffer("ln_w", state["embeddings.LayerNorm.weight"])
            self.register_buffer("ln_b", state["embeddings.LayerNorm.bias"])
            n_heads = int(config["num_attention_heads"])
            self.layers = nn.ModuleList(Layer(state, f"encoder.layer.{i}", n_heads, self.eps)
                                        for i in range(int(config["num_hidden_layers"])))
            self.classifier = linear(heads, "classifier")
            self.token_head = linear(heads, "token_head")
            self.eval()
            self.requires_grad_(False)
            kind = {"int8": Int8Linear, "bf16": Bf16Linear}.get(precision)
            if kind is not None:
                for layer in self.layers:
                    for name in ("qkv", "out", "ffn_in", "ffn_out"):
                        setattr(layer, name, kind(getattr(layer, name)))

        def forward(self, ids: Sequence[Sequence[int]], counts: Sequence[Sequence[int]] | None = None):
            """Sentence logits ``[sentences, 2]`` and packed token logits ``[tokens]`` for
            windows sorted by length (:mod:`scorer.context`); ``counts[w]`` holds the
            token count of each sentence of window ``w`` (None: each window is one sentence)."""
            lengths = [len(x) for x in ids]
            counts = [[n] for n in lengths] if counts is None else counts
            flat = torch.tensor([t for x in ids for t in x], dtype=torch.long)
            positions = torch.cat([torch.arange(n) for n in lengths])
            d = self.word.shape[1]
            x = self.word[flat] + self.pos[positions] + self.type0
            x = F.layer_norm(x, (d,), self.ln_w, self.ln_b, self.eps)
            groups = attention_groups(lengths)
            for layer in self.layers:
                x = layer(x, groups)
            sizes = [n for c in counts for n in c]
            owner = torch.repeat_interleave(torch.arange(len(sizes)), torch.tensor(sizes))
            pooled = x.new_zeros(len(sizes), d).index_add_(0, owner, x)
            pooled = pooled / torch.tensor(sizes, dtype=x.dtype).clamp(min=1)[:, None]
            return self.classifier(pooled), self.token_head(x).squeeze(-1)

    return PackedNet


def load_packed(model_dir: Path, base_dir: Path, precision: str):
    """The :class:`PackedNet` of a model folder in ``precision``."""
    from safetensors.torch import load_file

    config = json.loads((base_dir / "config.json").read_text())
    state = merged_weights(base_dir, model_dir)
    heads = load_file(str(model_dir / "heads.safetensors"))
    for key in ("classifier.weight", "classifier.bias", "token_head.weight", "token_head.bias"):
        if key not in heads:
            raise ModelLoadError(f"{model_dir / 'heads.safetensors'} has no {key}. Retrain with `telltale train`.")
    net = _net_class()(state, heads, config, precision)
    del state
    release_freed_memory()
    return net


def load_fast_tokenizer(base_dir: Path, max_length: int):
    """The base encoder's tokenizer (``tokenizers``), truncating at ``max_length``, no padding."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(base_dir / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length=max_length)
    return tok


# A long text (a 1,600-sentence request is ~30,000 tokens) runs as many chunks whose
# tensors of many sizes fragment glibc's heap: freed pages stay resident and one such
# request grew a worker by 80-150 MB. Trimming every 4,096 tokens kept the worker's peak
# under 500 MB (benchmarks/memory.py) for ~2% of the time of a long batch (~6 ms a trim);
# a 700-word article (~900 tokens) never reaches it.
TRIM_EVERY_TOKENS = 4096


def run_packed(net, ids: Sequence[Sequence[int]], counts: Sequence[Sequence[int]],
               token_budget: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """Every sentence's logit (windows in order) and each window's per-token damage
    probabilities, for windows sorted by length, in chunks of ``token_budget`` tokens."""
    import torch

    logits: list[np.ndarray] = []
    probs: list[np.ndarray] = []
    start = since_trim = 0
    with torch.inference_mode():
        while start < len(ids):
            end, tokens = start, 0
            while end < len(ids) and (end == start or tokens + len(ids[end]) <= token_budget):
                tokens += len(ids[end])
                end += 1
            seq, tok = net(ids[start:end], counts[start:end])
            logits.append((seq[:, 1] - seq[:, 0]).float().numpy())
            p = torch.sigmoid(tok.float()).numpy()
            probs.extend(np.split(p, np.cumsum([len(x) for x in ids[start:end]])[:-1]))
            start = end
            since_trim += tokens
            if since_trim >= TRIM_EVERY_TOKENS:
                release_freed_memory()
                since_trim = 0
    return (np.concatenate(logits) if logits else np.empty(0, dtype=np.float32)), probs
