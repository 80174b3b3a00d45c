"""Every benchmark in one command, then one table of figures against the targets.

    python benchmarks/run_all.py                     # the shipped model, ~15 minutes on 2 cores
    python benchmarks/run_all.py --model /path/to/model --quick
    python benchmarks/run_all.py --skip accuracy,memory
    python benchmarks/run_all.py --summary-only      # the table again from benchmarks/results/*.json

Runs latency, throughput, server, memory, startup and accuracy (each writes its
JSON under benchmarks/results/), then prints a Markdown table for the README
and writes benchmarks/results/summary.json. Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import common

HERE = Path(__file__).resolve().parent
SCRIPTS = {
    "latency": ["--precisions", "fp32,fp32-packed,bf16,int8"],
    "throughput": ["--precisions", "fp32,bf16,int8"],
    "server": ["--precisions", "fp32,int8", "--clients", "4"],
    "memory": ["--precisions", "int8,fp32"],
    "startup": ["--precisions", "int8,fp32"],
    "accuracy": ["--precisions", "fp32,bf16,int8", "--limit", "0"],  # the whole dev set (~6 min)
    "signals_speed": [],  # the article cues alone (no model)
}
NO_MODEL = {"signals_speed"}
QUICK = {
    "latency": ["--repeats", "10"],
    "throughput": ["--sentences", "500"],
    "server": ["--requests", "10", "--duration", "5"],
    "memory": ["--duration", "4"],
    "startup": ["--starts", "1"],
    "accuracy": ["--limit", "1500"],
    "signals_speed": ["--repeats", "10"],
}


def load(name: str) -> dict:
    return json.loads((common.RESULTS / f"{name}.json").read_text())


def label(precision: str, default: str) -> str:
    return f"{precision} (default)" if precision == default else precision


def summarise() -> list[dict]:
    """One row per figure: measured, target, the bound where there is one."""
    t = common.TARGETS
    default = common.default_precision()
    rows = []
    if (common.RESULTS / "latency.json").exists():
        r = load("latency")
        for row in r["rows"]:
            rows.append({"figure": f"library, one 700-word article, {label(row['precision'], default)}, median (p90) ms",
                         "value": f"{row['score']['median_ms']:.1f} ({row['score']['p90_ms']:.1f})",
                         "target": f"<= {t['library_article_median_ms']}" if row["precision"] == default else "",
                         "bound": f"{row['bound_ms']:.1f} ms, detector at {row['detector_percent_of_peak']:.0f}% of peak"})
    if (common.RESULTS / "throughput.json").exists():
        r = load("throughput")
        best = {}
        for row in r["rows"]:
            if row["sentences_per_s"] > best.get(row["precision"], {}).get("sentences_per_s", 0):
                best[row["precision"]] = row
        for precision, row in best.items():
            rows.append({"figure": f"library throughput, {label(precision, default)}, sentences/s",
                         "value": f"{row['sentences_per_s']:.0f}",
                         "target": f">= {t['throughput_sentences_per_s']}" if precision == default else "",
                         "bound": f"{row['bound_sentences_per_s']:.0f}/s, at {row['percent_of_peak']:.0f}% of peak"})
    if (common.RESULTS / "server.json").exists():
        r = load("server")
        for row in r["rows"]:
            rows.append({"figure": f"server, {row['clients']} client(s), {label(row['precision'], default)}, p50 (p90) ms",
                         "value": f"{row['p50_ms']:.1f} ({row['p90_ms']:.1f}), {row['throughput_rps']:.1f} req/s",
                         "target": f"<= {t['server_article_median_ms']}" if row["precision"] == default
                         and row["clients"] == 1 else "", "bound": ""})
    if (common.RESULTS / "memory.json").exists():
        for row in load("memory")["rows"]:
            rows.append({"figure": f"server worker peak RSS, {label(row['precision'], default)}, MB (after start-up)",
                         "value": f"{row['peak_rss_mb']:.0f} ({row['ready_rss_mb']:.0f})",
                         "target": f"<= {t['worker_peak_rss_mb']}" if row["precision"] == default else "",
                         "bound": ""})
    if (common.RESULTS / "startup.json").exists():
        for row in load("startup")["rows"]:
            rows.append({"figure": f"server start to healthz 200, {label(row['precision'], default)}, s",
                         "value": f"{row['median_s']:.2f}",
                         "target": f"<= {t['startup_healthz_s']}" if row["precision"] == default else "",
                         "bound": ""})
    if (common.RESULTS / "accuracy.json").exists():
        r = load("accuracy")
        for row in r["rows"]:
            d = row["differences"]
            rows.append({"figure": f"dev AUC change, {row['precision']} vs fp32 (sentence / passage / document)",
                         "value": f"{d.get('dev.sentence_auc', float('nan')):+.4f} / "
                                  f"{d.get('dev.passage_auc', float('nan')):+.4f} / "
                                  f"{d.get('dev.document_auc', float('nan')):+.4f}",
                         "target": f"within {r['bar_auc']}", "bound": ""})
    if (common.RESULTS / "signals_speed.json").exists():
        r = load("signals_speed")
        for row in r["rows"]:
            if row["copies"] == 1:
                rows.append({"figure": "article cues alone (no model), one 700-word article, median ms",
                             "value": f"{row['time']['median_ms']:.1f}",
                             "target": f"<= {r['target_median_ms']}", "bound": ""})
    return rows


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", help="model folder (default: the shipped model)")
    p.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run, not figures to publish)")
    p.add_argument("--skip", default="", help="comma-separated benchmarks to leave out")
    p.add_argument("--summary-only", action="store_true", help="only rebuild the table from the JSON results")
    args = p.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    failed = []
    started = time.perf_counter()
    for name, extra in SCRIPTS.items():
        if name in skip or args.summary_only:
            continue
        cmd = [sys.executable, str(HERE / f"{name}.py"), *extra, *(QUICK[name] if args.quick else [])]
        if args.model and name not in NO_MODEL:
            cmd += ["--model", args.model]
        print(f"\n=== {name}: {' '.join(cmd[1:])}", flush=True)
        if subprocess.run(cmd, cwd=common.REPO).returncode:
            failed.append(name)
    rows = summarise()
    m = common.machine()
    print(f"\n=== summary ({time.perf_counter() - started:.0f} s)")
    print(f"Machine: {m['cpu']}, {m['cores']} cores at {m['ghz_nominal']} GHz nominal "
          f"({', '.join(m['features'])}), torch {m['torch']}\n")
    print("| figure | measured | target | physical bound |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| {r['figure']} | {r['value']} | {r['target']} | {r['bound']} |")
    common.write_result("summary", {"machine": m, "rows": rows, "failed": failed})
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
