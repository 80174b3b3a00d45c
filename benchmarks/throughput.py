"""Library throughput: sentences per second in batches, per precision and chunk size
(a benchmark, not a test).

    python benchmarks/throughput.py                          # fp32 reference vs the default, 2,000 sentences
    python benchmarks/throughput.py --precisions int8,bf16 --budgets 1024,2048,4096,8192

Sentences of the BBC test split (news, 5-60 tokens) go to ``Detector.predict``
(logits and damaged words) in calls of ``--batch`` consecutive sentences, each call
read in context as one run (:mod:`scorer.context`), window cache off. Each row
is the median of ``--repeats`` passes over the sentences (single passes of this
2-core VM vary by about 10%), with the slowest and fastest pass beside it.
``--budgets`` tries several chunk sizes (tokens per packed chunk; padded cells per
batch on the fp32 reference path): the default in scorer/model.py comes from here.
"""

from __future__ import annotations

import argparse
import statistics
import sys

import common


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_common_arguments(p)
    p.add_argument("--sentences", type=int, default=2000, help="sentences scored per row (default %(default)s)")
    p.add_argument("--batch", type=int, default=256, help="sentences per call (default %(default)s)")
    p.add_argument("--budgets", default="", help="comma-separated token budgets to try (default: the library's)")
    p.add_argument("--repeats", type=int, default=3, help="timed passes per row, median reported (default %(default)s)")
    args = p.parse_args(argv)
    root = common.data_root(args.data)
    sentences = common.bbc_sentences(root, args.sentences)
    lengths = common.token_lengths(sentences, args.model)
    windows = [n for i in range(0, len(sentences), args.batch)
               for n in common.token_lengths(sentences[i:i + args.batch], args.model, in_context=True)]
    flops = common.sentence_flops(common.encoder_config(), windows)
    rates = common.peak_rates(common.cpu_info(), args)
    warning = common.other_load()
    budgets = [int(b) for b in args.budgets.split(",") if b.strip()] or [None]

    rows = []
    for precision in common.precisions(args.precisions):
        det = common.load_scorer(args.model, precision, args.threads).detector
        default_budget = det.token_budget

        def one_pass():
            for i in range(0, len(sentences), args.batch):
                batch = sentences[i:i + args.batch]
                det.predict(batch, runs=[len(batch)])  # consecutive sentences, read in context

        for budget in budgets:
            det.token_budget = budget or default_budget
            warm = sentences[: args.batch]
            det.predict(warm, runs=[len(warm)])  # warm-up
            passes = [ms / 1000 for ms in common.time_calls(one_pass, max(1, args.repeats), warmup=0)]
            seconds = statistics.median(passes)
            bound = flops / common.rate_for(precision, rates)
            rows.append({"precision": precision, "token_budget": det.token_budget, "seconds": seconds,
                         "sentences_per_s": len(sentences) / seconds, "tokens_per_s": sum(lengths) / seconds,
                         "passes_sentences_per_s": [len(sentences) / s for s in passes],
                         "bound_sentences_per_s": len(sentences) / bound, "percent_of_peak": 100 * bound / seconds})

    result = {
        "benchmark": "library throughput",
        "machine": common.machine(args.threads),
        "workload": {"source": "bbc-news test split", "sentences": len(sentences), "tokens": sum(lengths),
                     "mean_tokens": sum(lengths) / len(lengths), "batch": args.batch,
                     "encoder_gflops": flops / 1e9},
        "peak_gops": {k: v / 1e9 for k, v in rates.items()},
        "target_sentences_per_s": common.TARGETS["throughput_sentences_per_s"],
        "default_precision": common.default_precision(),
        "rows": rows,
        "warning": warning,
    }
    w = result["workload"]
    print(f"{result['machine']['cpu']}, {result['machine']['cores']} cores, torch threads "
          f"{result['machine']['torch_threads']}; {w['sentences']} BBC sentences ({w['mean_tokens']:.1f} tokens "
          f"on average) in calls of {args.batch}")
    if warning:
        print("WARNING:", warning, "- figures are noisy")
    common.print_table(["precision", "token budget", "sentences/s (median)", "range", "tokens/s",
                        "bound sentences/s", "% of peak"],
                       [[r["precision"], r["token_budget"], r["sentences_per_s"],
                         f"{min(r['passes_sentences_per_s']):.0f}-{max(r['passes_sentences_per_s']):.0f}",
                         r["tokens_per_s"], r["bound_sentences_per_s"], r["percent_of_peak"]] for r in rows])
    name = result["default_precision"]
    best = max((r["sentences_per_s"] for r in rows if r["precision"] == name), default=float("nan"))
    print(f"default path ({name}): {best:.0f} sentences/s, "
          f"{common.target_note(best, result['target_sentences_per_s'], lower_is_better=False)}")
    common.write_result("throughput", result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
