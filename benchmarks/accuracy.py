"""Accuracy of the fast path: dev AUCs for each precision against the fp32 reference
(a benchmark, not a test; ``telltale eval`` on everything is too slow to run twice).

    python benchmarks/accuracy.py                        # fp32 vs bf16 and int8, ~6,000 dev rows
    python benchmarks/accuracy.py --precisions fp32,bf16,int8 --limit 0   # the whole dev set

Scores the same fixed subsample (``scorer.evaluate.score_datasets(det, root,
limit=...)``: whole dev documents chosen by a hash, so 5-sentence passages stay
consecutive) with every precision, computes the ``telltale eval`` figures, and
prints each AUC's difference from fp32. The issue's bar: within 0.005, or the
faster path is not the default. Window cache off.
"""

from __future__ import annotations

import argparse
import sys
import time

import common
import numpy as np

FIGURES = [("dev", "sentence_auc"), ("dev", "passage_auc"), ("dev", "document_auc"),
           ("dev", "poor_machine_vs_human_auc"), ("bbc_test", "sentences_flagged")]
BAR = 0.005


def main(argv=None) -> int:
    from scorer import evaluate

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_common_arguments(p)
    p.set_defaults(precisions="fp32,bf16,int8")
    p.add_argument("--limit", type=int, default=6000, help="about this many dev rows (0: all; default %(default)s)")
    args = p.parse_args(argv)
    names = common.precisions(args.precisions)
    if names[0] != "fp32":
        names = ["fp32"] + [n for n in names if n != "fp32"]
    root = common.data_root(args.data)

    figures, logits, seconds = {}, {}, {}
    for precision in names:
        det = common.load_scorer(args.model, precision, args.threads).detector
        t0 = time.perf_counter()
        scored = evaluate.score_datasets(det, root, limit=args.limit or None, progress=False)
        seconds[precision] = time.perf_counter() - t0
        m = evaluate.metrics(det, scored)
        figures[precision] = {f"{a}.{b}": m[a][b] for a, b in FIGURES if b in m.get(a, {})}
        logits[precision] = np.array([r["logit"] for r in scored["rows"]])
        rows_n = len(scored["rows"])

    rows = []
    for precision in names[1:]:
        diff = np.abs(logits[precision] - logits["fp32"])
        row = {"precision": precision, "seconds": seconds[precision],
               "sentence_logit_diff": {"max": float(diff.max()), "p99": float(np.quantile(diff, 0.99)),
                                       "mean": float(diff.mean())},
               "differences": {k: v - figures["fp32"][k] for k, v in figures[precision].items()}}
        row["within_bar"] = all(abs(v) <= BAR for k, v in row["differences"].items() if k.endswith("auc"))
        rows.append(row)

    result = {
        "benchmark": "accuracy by precision",
        "machine": common.machine(args.threads),
        "subsample": {"dev_rows": rows_n, "limit": args.limit},
        "bar_auc": BAR,
        "figures": figures,
        "seconds": seconds,
        "rows": rows,
    }
    print(f"dev subsample: {rows_n} rows (limit {args.limit or 'none'}); differences are precision minus fp32")
    keys = list(figures["fp32"])
    common.print_table(["figure"] + names + [f"{n} - fp32" for n in names[1:]],
                       [[k] + [f"{figures[n][k]:.4f}" for n in names]
                        + [f"{figures[n][k] - figures['fp32'][k]:+.4f}" for n in names[1:]] for k in keys])
    for r in rows:
        d = r["sentence_logit_diff"]
        print(f"{r['precision']}: sentence logits differ from fp32 by {d['mean']:.3f} on average "
              f"(p99 {d['p99']:.3f}, max {d['max']:.3f}); every AUC within {BAR}: "
              f"{'yes' if r['within_bar'] else 'NO'}; scored in {r['seconds']:.0f} s vs fp32 {seconds['fp32']:.0f} s")
    common.write_result("accuracy", result, args.out)
    return 0 if all(r["within_bar"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
