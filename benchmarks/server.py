"""Server latency: the ~700-word article through the real gunicorn server on loopback,
1 client and N concurrent clients (a benchmark, not a test).

    python benchmarks/server.py                       # fp32 vs the default, 1 worker, clients 1 and 4
    python benchmarks/server.py --precisions int8 --clients 2,8 --duration 30

The server is started exactly as the Dockerfile starts it (gunicorn with
server/gunicorn.conf.py), with the result cache and the window cache off, so
every request runs the model. First one client posts the article sequentially
(``--requests`` times), giving request-to-response latency and the server's own
``timing_ms``; then benchmarks/load.py's client loop keeps N clients busy for
``--duration`` seconds each.
"""

from __future__ import annotations

import argparse
import sys
import time

import common
import load
import requests


def sequential(url: str, paragraphs: list[str], count: int) -> dict:
    session = requests.Session()
    latencies, server_ms = [], []
    for i in range(count + 3):
        body = {"paragraphs": paragraphs}
        t0 = time.perf_counter()
        r = session.post(url + "/v1/score", json=body, timeout=60)
        elapsed = (time.perf_counter() - t0) * 1000
        r.raise_for_status()
        if i >= 3:  # the first requests warm the connection and the model's kernels
            latencies.append(elapsed)
            server_ms.append(float(r.json().get("timing_ms", float("nan"))))
    out = common.summary(latencies)
    out["server_timing_median_ms"] = sorted(server_ms)[len(server_ms) // 2]
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_common_arguments(p)
    p.add_argument("--clients", default="4", help="concurrency levels after the sequential client (default %(default)s)")
    p.add_argument("--duration", type=float, default=15.0, help="seconds per concurrency level (default %(default)s)")
    p.add_argument("--requests", type=int, default=30, help="sequential requests of the 1-client row")
    p.add_argument("--workers", type=int, default=1, help="gunicorn workers (default %(default)s)")
    p.add_argument("--server-threads", type=int, default=4, help="request threads per worker (default %(default)s)")
    args = p.parse_args(argv)
    root = common.data_root(args.data)
    art = common.article(root)
    paragraphs = art["paragraphs"]
    warning = common.other_load()

    rows = []
    for precision in common.precisions(args.precisions):
        proc, url, ready_s = common.start_server(args.model, precision, workers=args.workers,
                                                 threads=args.server_threads, torch_threads=args.threads)
        sampler = load.MemorySampler(proc.pid)
        sampler.start()
        try:
            one = sequential(url, paragraphs, args.requests)
            rows.append({"precision": precision, "clients": 1, "mode": "sequential", "requests": one["n"],
                         "p50_ms": one["median_ms"], "p90_ms": one["p90_ms"], "min_ms": one["min_ms"],
                         "server_timing_median_ms": one["server_timing_median_ms"],
                         "throughput_rps": 1000 / one["mean_ms"], "errors": {}})
            for clients in [int(c) for c in args.clients.split(",") if c.strip()]:
                level = load.run_level(url, {}, paragraphs, clients, args.duration, warmup=2.0, shuffle=False)
                rows.append({"precision": precision, "mode": "load", **level})
        finally:
            sampler.stop_event.set()
            common.stop_server(proc)
        rows[-1]["peak_worker_rss_mb"] = sampler.peak_worker / 2**20
        for r in rows:
            r.setdefault("ready_s", ready_s)

    result = {
        "benchmark": "server latency",
        "machine": common.machine(args.threads),
        "server": {"command": " ".join(common.SERVER_COMMAND[2:]), "workers": args.workers,
                   "request_threads": args.server_threads, "result_cache": 0, "sentence_cache": 0},
        "article": {"source": f"bbc-news {art['id']}", "paragraphs": len(paragraphs),
                    "words": sum(len(x.split()) for x in paragraphs)},
        "target_median_ms": common.TARGETS["server_article_median_ms"],
        "rows": rows,
        "warning": warning,
    }
    print(f"{result['machine']['cpu']}, {result['machine']['cores']} cores; gunicorn, {args.workers} worker(s) x "
          f"{args.server_threads} threads; article {art['id']} ({result['article']['words']} words)")
    if warning:
        print("WARNING:", warning, "- figures are noisy")
    common.print_table(["precision", "clients", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "errors"],
                       [[r["precision"], r["clients"], r["requests"], r["throughput_rps"], r["p50_ms"], r["p90_ms"],
                         r.get("p99_ms", float("nan")), ", ".join(f"{k}: {v}" for k, v in r["errors"].items()) or "none"]
                        for r in rows])
    for r in rows:
        if r["mode"] == "sequential":
            print(f"{r['precision']}: 1 client median {r['p50_ms']:.1f} ms request to response "
                  f"(server's own timing {r['server_timing_median_ms']:.1f} ms), "
                  f"{common.target_note(r['p50_ms'], result['target_median_ms'])} ms")
    common.write_result("server", result, args.out)
    return 0 if all(not r["errors"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
