"""Article cues: the time of ``article_signals`` on the fixed article (a benchmark, not a test).

    python benchmarks/signals_speed.py
    python benchmarks/signals_speed.py --repeats 200 --copies 1,10,30

Times :func:`scorer.signals.article_signals` alone (name variants, mojibake, doubled
and split words, repeated and truncated sentences; no model) on the fixed ~700-word
BBC article, segmented once beforehand, and on the article repeated several times
over (``--copies``), to show how the time grows with length. Every sentence of a
repeated copy repeats an earlier one, so the longer rows are also the worst case of
the repeated-sentence cue's comparisons. The target is for one article.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import common

TARGET_MS = 10  # article_signals on one 700-word article, median


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", help="shared data folder (default: $TELLTALE_DATA or ../shared/data)")
    p.add_argument("--repeats", type=int, default=50, help="timed calls per row (default %(default)s)")
    p.add_argument("--copies", default="1,10",
                   help="comma-separated: how many times over the article is scored (default %(default)s)")
    p.add_argument("--out", type=Path, help="JSON results file (default benchmarks/results/signals_speed.json)")
    args = p.parse_args(argv)

    from scorer.segment import segment_paragraphs
    from scorer.signals import article_signals

    art = common.article(common.data_root(args.data))
    paragraphs = art["paragraphs"]
    words = sum(len(x.split()) for x in paragraphs)
    warning = common.other_load()

    rows = []
    for copies in [int(c) for c in args.copies.split(",") if c.strip()]:
        passages = segment_paragraphs(paragraphs * copies)
        sentences = sum(len(q.sentences) for q in passages)
        timing = common.summary(common.time_calls(lambda: article_signals(passages), args.repeats))
        rows.append({"copies": copies, "words": words * copies, "sentences": sentences, "time": timing,
                     "ms_per_1000_words": 1000 * timing["median_ms"] / (words * copies)})

    result = {
        "benchmark": "article cues (article_signals), no model",
        "machine": common.machine(),
        "article": {"source": f"bbc-news {art['id']}", "words": words, "paragraphs": len(paragraphs)},
        "target_median_ms": TARGET_MS,
        "rows": rows,
        "warning": warning,
    }
    print(f"{result['machine']['cpu']}, {result['machine']['cores']} cores; article {art['id']}: "
          f"{words} words, {len(paragraphs)} paragraphs")
    if warning:
        print("WARNING:", warning, "- figures are noisy")
    common.print_table(
        ["copies", "words", "sentences", "median ms", "p90 ms", "min ms", "ms per 1000 words"],
        [[r["copies"], r["words"], r["sentences"], r["time"]["median_ms"], r["time"]["p90_ms"],
          r["time"]["min_ms"], r["ms_per_1000_words"]] for r in rows])
    one = [r for r in rows if r["copies"] == 1]
    if one:
        print(f"one article: median {one[0]['time']['median_ms']:.2f} ms, "
              f"{common.target_note(one[0]['time']['median_ms'], TARGET_MS)} ms")
    common.write_result("signals_speed", result, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
