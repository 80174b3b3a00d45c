"""Library latency: one ~700-word article, warm, per precision (a benchmark, not a test).

    python benchmarks/latency.py                       # fp32 reference vs the int8 default
    python benchmarks/latency.py --precisions fp32,fp32-packed,bf16,int8 --repeats 50

Times ``Scorer.score(paragraphs=...)`` (checks, segmentation, detector, signals,
results: the whole library call) and ``Detector.predict`` alone, with the
window cache off, after warm-up calls. A last row shows the default path
scoring the same article again with the window cache on (what a reader
reloading a page gets). The bound column is the encoder's arithmetic for the
article's tokens at this CPU's peak (see benchmarks/common.py).
"""

from __future__ import annotations

import argparse
import sys

import common


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_common_arguments(p)
    p.add_argument("--repeats", type=int, default=30, help="timed calls per row (default %(default)s)")
    args = p.parse_args(argv)
    root = common.data_root(args.data)
    art = common.article(root)
    paragraphs = art["paragraphs"]
    sentences = common.article_sentences(paragraphs)
    lengths = common.token_lengths(sentences, args.model, in_context=True)  # one run: the article
    flops = common.sentence_flops(common.encoder_config(), lengths)
    cpu = common.cpu_info()
    rates = common.peak_rates(cpu, args)
    warning = common.other_load()

    rows = []
    for precision in common.precisions(args.precisions):
        scorer = common.load_scorer(args.model, precision, args.threads)
        full = common.summary(common.time_calls(lambda: scorer.score(paragraphs=paragraphs), args.repeats))
        model = common.summary(common.time_calls(
            lambda: scorer.detector.predict(sentences, runs=[len(sentences)]), args.repeats))
        bound = common.bound_ms(flops, common.rate_for(precision, rates))
        rows.append({"precision": precision, "score": full, "detector": model, "bound_ms": bound,
                     "detector_percent_of_peak": 100 * bound / model["median_ms"]})
    default_name = common.default_precision()
    default = common.load_scorer(args.model, default_name, args.threads, sentence_cache=True)
    cached = common.summary(common.time_calls(lambda: default.score(paragraphs=paragraphs), args.repeats, warmup=1))

    result = {
        "benchmark": "library latency, one article",
        "machine": common.machine(args.threads),
        "article": {"source": f"bbc-news {art['id']}", "words": sum(len(x.split()) for x in paragraphs),
                    "paragraphs": len(paragraphs), "sentences": len(sentences), "tokens": sum(lengths),
                    "encoder_gflops": flops / 1e9},
        "peak_gops": {k: v / 1e9 for k, v in rates.items()},
        "target_median_ms": common.TARGETS["library_article_median_ms"],
        "default_precision": default_name,
        "rows": rows,
        "repeat_with_sentence_cache": cached,
        "warning": warning,
    }
    a = result["article"]
    print(f"{result['machine']['cpu']}, {result['machine']['cores']} cores, torch threads "
          f"{result['machine']['torch_threads']}; article {art['id']}: {a['words']} words, "
          f"{a['sentences']} sentences, {a['tokens']} tokens, {a['encoder_gflops']:.1f} GFLOP in the encoder")
    if warning:
        print("WARNING:", warning, "- figures are noisy")
    common.print_table(
        ["precision", "score() median ms", "p90 ms", "detector median ms", "p90 ms", "bound ms", "% of peak"],
        [[r["precision"], r["score"]["median_ms"], r["score"]["p90_ms"], r["detector"]["median_ms"],
          r["detector"]["p90_ms"], r["bound_ms"], r["detector_percent_of_peak"]] for r in rows])
    print(f"repeat of the article with the window cache: median {cached['median_ms']:.1f} ms")
    for r in rows:
        if r["precision"] == default_name:
            print(f"default path ({default_name}): score() median {r['score']['median_ms']:.1f} ms, "
                  f"{common.target_note(r['score']['median_ms'], result['target_median_ms'])} ms")
    common.write_result("latency", result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
