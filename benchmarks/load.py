"""Load benchmark for the scoring server (a benchmark, not a timed test).

N concurrent clients post an article to ``/v1/score`` for T seconds on loopback; the
script prints throughput, latency percentiles, errors by status and the server's peak
memory, and writes the figures as JSON.

    python benchmarks/load.py                         # starts a server (1 worker), clients 1 and 4
    python benchmarks/load.py --clients 1,2,8 --duration 30 --workers 2
    python benchmarks/load.py --url http://127.0.0.1:8765 --token-file tok.txt   # an existing server

A server it starts has both caches off (the server's result cache and the library's
window cache), so every request runs the model on every sentence. Against an
existing server (``--url``), whose caches may be on, each request's paragraphs have
their words shuffled with a fresh seed, so no sentence repeats and nothing is cached.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psutil
import requests

REPO = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLE = REPO / "tests" / "server" / "articles.json"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", default="1,4", help="comma-separated concurrency levels (default %(default)s)")
    p.add_argument("--duration", type=float, default=20.0, help="seconds per level (default %(default)s)")
    p.add_argument("--warmup", type=float, default=3.0, help="seconds of load before measuring each level")
    p.add_argument("--url", help="an existing server; default: start one on a free loopback port")
    p.add_argument("--token-file", help="team token for --url")
    p.add_argument("--workers", type=int, default=1, help="workers of a started server (default %(default)s)")
    p.add_argument("--threads", type=int, default=4, help="threads per worker of a started server")
    p.add_argument("--model", help="model folder for a started server (default: the shipped model)")
    p.add_argument("--article", type=Path, default=DEFAULT_ARTICLE,
                   help="JSON with a list of paragraphs, or {name: {paragraphs: [...]}} (first entry used)")
    p.add_argument("--out", type=Path, default=REPO / "artifacts" / "bench_load.json", help="JSON results file")
    return p.parse_args(argv)


def load_paragraphs(path: Path) -> list[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = data.get("paragraphs") or next(iter(data.values()))["paragraphs"]
    return list(data)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args) -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELLTALE_")}
    env.update(TELLTALE_PORT=str(port), TELLTALE_WORKERS=str(args.workers), TELLTALE_THREADS=str(args.threads),
               TELLTALE_CACHE_SIZE="0", TELLTALE_SENTENCE_CACHE="0", TELLTALE_QUEUE_TIMEOUT="30")
    if args.model:
        env["TELLTALE_MODEL_PATH"] = args.model
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "server/gunicorn.conf.py", "server:create_app()"],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    while time.monotonic() - started < 300:
        if proc.poll() is not None:
            sys.exit(f"the server exited with {proc.returncode} before it was ready")
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return proc, url, time.monotonic() - started
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    proc.kill()
    sys.exit("the server was not ready after 300 s")


class MemorySampler(threading.Thread):
    """Peak RSS of a process and its children (gunicorn master + workers), every 100 ms."""

    def __init__(self, pid: int | None):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid) if pid else None
        self.peak_total = self.peak_worker = 0
        self.stop_event = threading.Event()

    def run(self):
        while self.root and not self.stop_event.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
                rss = [p.memory_info().rss for p in procs]
            except psutil.Error:
                rss = []
            if rss:
                self.peak_total = max(self.peak_total, sum(rss))
                self.peak_worker = max(self.peak_worker, max(rss[1:] or rss))
            self.stop_event.wait(0.1)


def shuffled(paragraphs: list[str], seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for paragraph in paragraphs:
        words = paragraph.split()
        rng.shuffle(words)
        out.append(" ".join(words))
    return out


def run_level(url: str, headers: dict, paragraphs: list[str], clients: int, duration: float, warmup: float,
              shuffle: bool) -> dict:
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    counter = iter(range(10**12))
    measure_from = time.monotonic() + warmup
    stop_at = measure_from + duration

    def client():
        # A request counts when it completes inside the measured window.
        session = requests.Session()
        while time.monotonic() < stop_at:
            n = next(counter)
            body = {"paragraphs": shuffled(paragraphs, n) if shuffle else paragraphs}
            t0 = time.monotonic()
            try:
                status = session.post(url + "/v1/score", json=body, headers=headers, timeout=120).status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            t1 = time.monotonic()
            if measure_from <= t1 <= stop_at:
                with lock:
                    statuses[status] += 1
                    if status == 200:
                        latencies.append((t1 - t0) * 1000)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = sorted(latencies)
    pct = (lambda q: ok[min(len(ok) - 1, int(q * len(ok)))] if ok else float("nan"))
    return {
        "clients": clients,
        "duration_s": duration,
        "requests": sum(statuses.values()),
        "ok": len(ok),
        "throughput_rps": len(ok) / duration,
        "p50_ms": pct(0.50),
        "p90_ms": pct(0.90),
        "p99_ms": pct(0.99),
        "mean_ms": statistics.fmean(ok) if ok else float("nan"),
        "errors": {str(k): v for k, v in statuses.items() if k != 200},
    }


def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    return {"cpu": model, "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "python": platform.python_version(), "platform": platform.platform()}


def main(argv=None) -> int:
    args = parse_args(argv)
    paragraphs = load_paragraphs(args.article)
    headers = {}
    if args.token_file:
        headers["Authorization"] = "Bearer " + Path(args.token_file).read_text().split()[0]
    proc, ready_s = None, None
    if args.url:
        url = args.url.rstrip("/")
    else:
        proc, url, ready_s = start_server(args)
    sampler = MemorySampler(proc.pid if proc else None)
    sampler.start()
    rows = []
    try:
        info = requests.get(url + "/v1/info", headers=headers, timeout=10).json()
        for clients in [int(c) for c in args.clients.split(",")]:
            rows.append(run_level(url, headers, paragraphs, clients, args.duration, args.warmup,
                                  shuffle=bool(args.url)))
    finally:
        sampler.stop_event.set()
        if proc:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
    words = sum(len(p.split()) for p in paragraphs)
    result = {
        "benchmark": "server load",
        "machine": machine(),
        "server": {"url": url if args.url else "started by the benchmark", "workers": None if args.url else args.workers,
                   "threads": None if args.url else args.threads, "model": info.get("model")},
        "article": {"file": str(args.article), "paragraphs": len(paragraphs), "words": words,
                    "words_shuffled_per_request": bool(args.url)},
        "caches": "server's (on or off)" if args.url else "off",
        "ready_s": ready_s,
        "peak_rss_mb": {"total": sampler.peak_total / 2**20, "largest_process": sampler.peak_worker / 2**20}
        if proc else None,
        "levels": rows,
    }
    print_table(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {args.out}")
    return 0 if all(not r["errors"] for r in rows) else 1


def print_table(result: dict) -> None:
    m, a = result["machine"], result["article"]
    print(f"\n{m['cores']} cores, {m['cpu']}; article: {a['paragraphs']} paragraphs, {a['words']} words")
    head = f"{'clients':>7} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}  errors"
    print(head)
    print("-" * len(head))
    for r in result["levels"]:
        errors = ", ".join(f"{k}: {v}" for k, v in r["errors"].items()) or "none"
        print(f"{r['clients']:>7} {r['requests']:>8} {r['throughput_rps']:>7.2f} {r['p50_ms']:>8.1f} "
              f"{r['p90_ms']:>8.1f} {r['p99_ms']:>8.1f}  {errors}")
    if result["ready_s"] is not None:
        print(f"ready (healthz 200) {result['ready_s']:.1f} s after start")
    if result["peak_rss_mb"]:
        print(f"peak RSS: {result['peak_rss_mb']['total']:.0f} MB in all, "
              f"{result['peak_rss_mb']['largest_process']:.0f} MB in the largest worker")


if __name__ == "__main__":
    sys.exit(main())
