"""Cost and worth of the language-model refinement (scorer.lm).

Cost: load time, and the time of one causal pass over a ~700-word BBC test
article, beside the plain classifier's time for the same article:

    python benchmarks/lm_cost.py --threads 2 [--precision int8|fp32|bf16]

Worth (--auc): ROC-AUC of the classifier alone, the LM percentile alone and
the two combined, on the case files (a case's score is the maximum over its
sentences) and on synthetic damage (scorer.corrupt.Corruptor) to one sentence
of held-out BBC test articles against the same sentence clean, each scored in
its article's context:

    python benchmarks/lm_cost.py --auc --articles 60

"combined" is the sum of the two log-odds, logit(p) + logit(percentile/100),
a ranking score; "rule" gives the flag rates of the documented decision
(classifier flags, or percentile >= lm_flag_percentile and p >= lm_floor).
Prints numbers only, never article text.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

import numpy as np

from scorer import Scorer, ScorerConfig
from scorer.corrupt import Corruptor
from scorer.data import bbc_articles, data_dir
from scorer.lm import PRECISIONS, Reference, SurprisalModel
from scorer.segment import segment_paragraphs

CASES = Path(__file__).resolve().parent.parent / "tests" / "cases"


def article_700(root) -> list[dict]:
    arts = bbc_articles(root, "test")
    return min(arts, key=lambda a: (abs(sum(len(p.split()) for p in a["paragraphs"]) - 700), a["id"]))


def cost(args) -> None:
    root = data_dir(args.data)
    art = article_700(root)
    passages = [[s.text for s in p.sentences] for p in segment_paragraphs(art["paragraphs"])]
    words = sum(len(p.split()) for p in art["paragraphs"])
    scorer = Scorer.load(args.model, ScorerConfig(threads=args.threads))
    text = "\n\n".join(art["paragraphs"])
    scorer.score(text)
    cls_t = min(_timed(lambda: scorer.score(text)) for _ in range(args.repeat))
    model = SurprisalModel(precision=args.precision, threads=args.threads)
    model.load()
    model.score_passages(passages)  # warm-up
    lm_t = [_timed(lambda: model.score_passages(passages)) for _ in range(args.repeat)]
    tokens = len(model._tokenizer("\n\n".join(" ".join(p) for p in passages))["input_ids"])
    print(f"article: {words} words, {sum(map(len, passages))} sentences, {tokens} LM tokens")
    print(f"LM load ({args.precision}): {model.load_seconds:.1f} s")
    print(f"classifier score(): {cls_t:.2f} s   LM pass: min {min(lm_t):.2f} s, "
          f"median {statistics.median(lm_t):.2f} s   total {cls_t + min(lm_t):.2f} s")
    import common

    common.write_result(f"lm_cost_{args.precision}", {
        "benchmark": "language-model refinement cost, one ~700-word article", "machine": common.machine(),
        "precision": args.precision, "threads": args.threads, "words": words,
        "sentences": sum(map(len, passages)), "lm_tokens": tokens, "load_s": model.load_seconds,
        "classifier_score_s": cls_t, "lm_pass_min_s": min(lm_t), "lm_pass_median_s": statistics.median(lm_t),
        "total_s": cls_t + statistics.median(lm_t)})


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def auc(pos, neg) -> float:
    pos, neg = np.asarray(pos, float), np.asarray(neg, float)
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def logit(x):
    x = np.clip(np.asarray(x, float), 1e-3, 1 - 1e-3)
    return np.log(x / (1 - x))


def report(name, pos, neg, config) -> None:
    """pos/neg: arrays of (classifier probability, LM percentile)."""
    pos, neg = np.asarray(pos), np.asarray(neg)
    comb = lambda a: logit(a[:, 0]) + logit(a[:, 1] / 100)
    print(f"{name}: {len(pos)} damaged vs {len(neg)} clean")
    print(f"  AUC classifier {auc(pos[:, 0], neg[:, 0]):.3f}   LM percentile {auc(pos[:, 1], neg[:, 1]):.3f}"
          f"   combined {auc(comb(pos), comb(neg)):.3f}")
    print(f"  median LM percentile: damaged {np.median(pos[:, 1]):.0f}, clean {np.median(neg[:, 1]):.0f}")


def evaluate(args) -> None:
    config = ScorerConfig(threads=args.threads)
    scorer = Scorer.load(args.model, config)
    th = scorer.thresholds.sentence
    model, ref = SurprisalModel(precision=args.precision, threads=args.threads), Reference.load()

    def sentence_scores(passages_texts, probs):  # [(classifier p, LM percentile)] per sentence
        stats = [s for row in model.score_passages(passages_texts) for s in row]
        return [(p, float(ref.percentile(s.mean))) for p, s in zip(probs, stats)]

    # Case files: a case's score is its maximum sentence score on each axis.
    case = {}
    for name in ("garbled", "clean"):
        rows = []
        for c in json.loads((CASES / f"{name}.json").read_text(encoding="utf-8")):
            r = scorer.score(c["text"])
            sc = sentence_scores([[s.text for s in p.sentences] for p in r.passages],
                                 [s.probability for _, s in r.sentences()])
            comb = [logit(p) + logit(q / 100) for p, q in sc]
            rows.append((max(p for p, _ in sc), max(q for _, q in sc), max(comb),
                         any(p >= th or (q >= config.lm_flag_percentile and p >= config.lm_floor) for p, q in sc),
                         any(p >= th for p, _ in sc)))
        case[name] = np.asarray(rows, float)
    g, c = case["garbled"], case["clean"]
    print(f"case files: {len(g)} garbled vs {len(c)} clean (case score = max over its sentences)")
    print(f"  AUC classifier {auc(g[:, 0], c[:, 0]):.3f}   LM percentile {auc(g[:, 1], c[:, 1]):.3f}"
          f"   combined {auc(g[:, 2], c[:, 2]):.3f}")
    print(f"  sentence-flag rule: classifier alone flags {g[:, 4].mean():.0%} garbled / {c[:, 4].mean():.0%} clean;"
          f" with LM {g[:, 3].mean():.0%} / {c[:, 3].mean():.0%}")

    # Synthetic damage over held-out BBC test articles.
    arts = bbc_articles(data_dir(args.data), "test")
    random.Random(args.seed).shuffle(arts)
    corruptor, rng = Corruptor(args.seed), random.Random(args.seed)
    pos, neg = [], []
    for art in arts[:args.articles]:
        passages = [[s.text for s in p.sentences] for p in segment_paragraphs(art["paragraphs"][:8])]
        flat = [(i, k) for i, p in enumerate(passages) for k in range(len(p))]
        if len(flat) < 4:
            continue
        i, k = rng.choice(flat[2:])
        damaged = corruptor.corrupt(passages[i][k])
        if damaged.kind is None:
            continue
        bad = [list(p) for p in passages]
        bad[i][k] = damaged.text
        at = flat.index((i, k))
        for texts, out in ((passages, neg), (bad, pos)):
            sent = [s for p in texts for s in p]
            prob = float(scorer.detector.probabilities(scorer.detector.logits([sent[at]]), level="sentence")[0])
            stats = [s for row in model.score_passages(texts) for s in row]
            out.append((prob, float(ref.percentile(stats[at].mean))))
    pos, neg = np.asarray(pos), np.asarray(neg)
    report("synthetic damage (Corruptor, seed %d) on BBC test sentences vs their clean originals" % args.seed,
           pos, neg, config)
    flag = lambda a: (a[:, 0] >= th) | ((a[:, 1] >= config.lm_flag_percentile) & (a[:, 0] >= config.lm_floor))
    print(f"  flag rate: classifier alone {np.mean(pos[:, 0] >= th):.0%} damaged / {np.mean(neg[:, 0] >= th):.0%} clean;"
          f" with LM rule {flag(pos).mean():.0%} / {flag(neg).mean():.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=None, help="detector folder (default: shipped)")
    parser.add_argument("--data", default=None)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--precision", default="int8", choices=PRECISIONS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--auc", action="store_true", help="measure AUC instead of cost")
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    evaluate(args) if args.auc else cost(args)


if __name__ == "__main__":
    main()
