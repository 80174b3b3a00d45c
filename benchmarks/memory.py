"""Memory: peak resident memory of one gunicorn worker (a benchmark, not a test).

    python benchmarks/memory.py                   # the default precision (int8)
    python benchmarks/memory.py --precisions fp32,bf16,int8

Starts the real server (one worker, caches off), samples the worker's RSS every
100 ms and reports it after start-up (model loaded and warm), under N clients
posting the ~700-word article, and after the largest request the server
accepts by default (200,000 characters of news in paragraphs of ~1,000 characters).
"""

from __future__ import annotations

import argparse
import sys

import common
import load
import psutil
import requests


def largest_request(root, max_chars: int = 199_000) -> list[str]:
    from scorer import data

    paragraphs, total = [], 0
    for a in data.bbc_articles(root, "test"):
        for p in a["paragraphs"]:
            if total + len(p) + 1 > max_chars or len(paragraphs) >= 1000:
                return paragraphs
            paragraphs.append(p)
            total += len(p) + 1
    return paragraphs


def worker_rss_mb(proc) -> float:
    children = psutil.Process(proc.pid).children(recursive=True)
    return max((c.memory_info().rss for c in children), default=0) / 2**20


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_common_arguments(p)
    p.set_defaults(precisions="int8")
    p.add_argument("--clients", type=int, default=4, help="concurrent clients of the load phase")
    p.add_argument("--duration", type=float, default=10.0, help="seconds of load (default %(default)s)")
    args = p.parse_args(argv)
    root = common.data_root(args.data)
    paragraphs = common.article(root)["paragraphs"]
    big = largest_request(root)

    rows = []
    for precision in common.precisions(args.precisions):
        proc, url, _ = common.start_server(args.model, precision, torch_threads=args.threads)
        sampler = load.MemorySampler(proc.pid)
        sampler.start()
        try:
            idle = worker_rss_mb(proc)
            load.run_level(url, {}, paragraphs, args.clients, args.duration, warmup=1.0, shuffle=False)
            after_load = sampler.peak_worker / 2**20
            r = requests.post(url + "/v1/score", json={"paragraphs": big}, timeout=300)
            big_status, big_ms = r.status_code, r.elapsed.total_seconds() * 1000
            sentences = sum(len(p["sentences"]) for p in r.json().get("passages", [])) if r.ok else 0
        finally:
            sampler.stop_event.set()
            sampler.join()
            common.stop_server(proc)
        peak = sampler.peak_worker / 2**20
        rows.append({"precision": precision, "ready_rss_mb": idle, "peak_under_load_mb": after_load,
                     "peak_rss_mb": peak, "largest_request": {"status": big_status, "chars": sum(map(len, big)) + len(big),
                                                              "paragraphs": len(big), "sentences": sentences,
                                                              "ms": big_ms}})

    result = {
        "benchmark": "server worker memory",
        "machine": common.machine(args.threads),
        "target_peak_rss_mb": common.TARGETS["worker_peak_rss_mb"],
        "rows": rows,
    }
    common.print_table(["precision", "ready MB", f"peak, {args.clients} clients MB", "peak with largest request MB",
                        "largest request"],
                       [[r["precision"], r["ready_rss_mb"], r["peak_under_load_mb"], r["peak_rss_mb"],
                         f"{r['largest_request']['chars']} chars, {r['largest_request']['sentences']} sentences, "
                         f"{r['largest_request']['ms']:.0f} ms, HTTP {r['largest_request']['status']}"] for r in rows])
    for r in rows:
        print(f"{r['precision']}: worker peak {r['peak_rss_mb']:.0f} MB, "
              f"{common.target_note(r['peak_rss_mb'], result['target_peak_rss_mb'])} MB")
    common.write_result("memory", result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
