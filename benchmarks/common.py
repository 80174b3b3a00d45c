"""Shared pieces of the benchmarks: the fixed article, the machine, the physical bound, output.

The physical bound of a figure is the encoder's arithmetic for the tokens it ran,
divided by this CPU's peak rate for the precision used:

- FLOPs per token (:func:`flops_per_token`): ``2 x`` the weights of the encoder's
  linear layers (a multiply and an add per weight) plus attention's two products
  (``4 x length x hidden`` per layer), from the base encoder's ``config.json``;
- peak (:func:`peak_rates`): cores x clock x operations per cycle and core. The clock
  is the nominal one in ``/proc/cpuinfo`` (boost may be higher, so a figure near 100 %
  means "at the limit", not an error). Operations per cycle assume two 512-bit FMA
  pipes with AVX-512 (64 fp32 FLOPs; Zen 4 splits 512-bit work in two: 32), two 256-bit
  pipes with only AVX2 (32); bf16 dot products (AVX512-BF16) do twice the fp32 rate,
  int8 dot products (AVX512-VNNI) four times. Override with ``--peak-fp32`` etc.

The article (:func:`article`) is a fixed BBC News article of about 700 words, read
from the shared data at run time (never stored in the repository).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
ARTICLE_ID = "business/266"  # "Could Yukos be a blessing in disguise?": 702 words, 30 sentences, ~930 tokens
TARGETS = {
    "library_article_median_ms": 80,
    "server_article_median_ms": 120,
    "throughput_sentences_per_s": 800,
    "worker_peak_rss_mb": 500,
    "startup_healthz_s": 5,
}

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def add_common_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", help="model folder (default: the shipped model)")
    p.add_argument("--data", help="shared data folder (default: $TELLTALE_DATA or ../shared/data)")
    p.add_argument("--threads", type=int, default=None, help="torch threads (default: all cores)")
    p.add_argument("--precisions", default="fp32,int8",
                   help="comma-separated precisions to compare: fp32 (the reference), int8 (the default), bf16, "
                        "fp32-packed (the fast path without quantization) (default %(default)s)")
    p.add_argument("--out", type=Path, help="JSON results file (default benchmarks/results/<name>.json)")
    p.add_argument("--peak-fp32", type=float, help="override the CPU's fp32 peak, GFLOP/s")
    p.add_argument("--peak-bf16", type=float, help="override the CPU's bf16 peak, GFLOP/s")
    p.add_argument("--peak-int8", type=float, help="override the CPU's int8 peak, GOP/s")


def data_root(arg: str | None) -> Path:
    from scorer import data

    return data.data_dir(arg)


def article(root: Path, article_id: str = ARTICLE_ID) -> dict:
    """The fixed BBC article: ``{"id", "title", "paragraphs"}``."""
    with gzip.open(root / "bbc-news" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            if a["id"] == article_id:
                return a
    raise SystemExit(f"article {article_id} is not in {root / 'bbc-news'}")


def article_sentences(paragraphs: list[str]) -> list[str]:
    from scorer.segment import segment_paragraphs

    return [s.text for p in segment_paragraphs(paragraphs) for s in p.sentences]


def bbc_sentences(root: Path, count: int, split: str = "test") -> list[str]:
    """The first ``count`` sentences of the BBC ``split`` articles, in file order."""
    from scorer import data

    out: list[str] = []
    for a in data.bbc_articles(root, split):
        out += article_sentences(a["paragraphs"])
        if len(out) >= count:
            break
    return out[:count]


# -- machine and bound ----------------------------------------------------------
def cpu_info() -> dict:
    text = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    first = {}
    for line in text.splitlines():
        if not line.strip():
            if first:
                break
            continue
        key, _, value = line.partition(":")
        first[key.strip()] = value.strip()
    flags = set(first.get("flags", "").split())
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return {
        "model": first.get("model name", platform.processor()),
        "vendor": first.get("vendor_id", ""),
        "family": int(first.get("cpu family", "0") or 0),
        "cores": cores,
        "ghz": float(first.get("cpu MHz", "0") or 0) / 1000,
        "avx512": "avx512f" in flags,
        "avx512_vnni": "avx512_vnni" in flags,
        "avx512_bf16": "avx512_bf16" in flags,
        "amx": "amx_tile" in flags,
        "avx2": "avx2" in flags,
    }


def peak_rates(cpu: dict, args=None) -> dict:
    """Peak operations per second of the cores in use (``args.threads``, else all), by precision
    (see the module docstring)."""
    if cpu["avx512"]:
        per_cycle = 32 if cpu["vendor"] == "AuthenticAMD" and cpu["family"] == 25 else 64
    elif cpu["avx2"]:
        per_cycle = 32
    else:
        per_cycle = 8
    threads = getattr(args, "threads", None) if args is not None else None
    base = min(cpu["cores"], threads or cpu["cores"]) * cpu["ghz"] * 1e9
    rates = {
        "fp32": base * per_cycle,
        "bf16": base * per_cycle * (2 if cpu["avx512_bf16"] or cpu["amx"] else 1),
        "int8": base * per_cycle * (4 if cpu["avx512_vnni"] else 2),
    }
    for name in rates:
        override = getattr(args, f"peak_{name}", None) if args is not None else None
        if override:
            rates[name] = override * 1e9
    return rates


def encoder_config() -> dict:
    from scorer.model import base_model_dir

    return json.loads((base_model_dir() / "config.json").read_text())


def flops_per_token(config: dict, length: int) -> float:
    """Encoder FLOPs for one token of a sentence of ``length`` tokens."""
    d, ff, layers = config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    linear = 4 * d * d + 2 * d * ff  # query, key, value, attention output; two feed-forward layers
    return layers * (2 * linear + 4 * length * d)


def sentence_flops(config: dict, token_lengths) -> float:
    return sum(n * flops_per_token(config, n) for n in token_lengths)


def token_lengths(sentences, model: str | None = None, in_context: bool = False) -> list[int]:
    """Tokens of each sentence read alone or, ``in_context``, of each window the
    detector reads the sentences in as one run (:mod:`scorer.context`)."""
    from scorer.context import plan
    from scorer.inference import load_fast_tokenizer
    from scorer.model import DEFAULT_MODEL_DIR, base_model_dir, read_info

    info = read_info(Path(model) if model else DEFAULT_MODEL_DIR)
    tok = load_fast_tokenizer(base_model_dir(), info.max_length)
    lengths = [len(e.ids) for e in tok.encode_batch(list(sentences))]
    if not in_context:
        return lengths
    out, start = [], 0
    for k in plan(lengths):
        out.append(sum(lengths[start:start + k]) - 2 * (k - 1))
        start += k
    return out


def bound_ms(flops: float, rate: float) -> float:
    return flops / rate * 1000


def machine(threads: int | None = None) -> dict:
    import torch

    cpu = cpu_info()
    return {
        "cpu": cpu["model"], "cores": cpu["cores"], "ghz_nominal": round(cpu["ghz"], 3),
        "features": [k for k in ("avx512", "avx512_vnni", "avx512_bf16", "amx") if cpu[k]],
        "torch": torch.__version__, "torch_threads": threads or torch.get_num_threads(),
        "quantized_engine": torch.backends.quantized.engine,
        "python": platform.python_version(), "platform": platform.platform(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def other_load() -> str | None:
    """A warning when something else is keeping the CPU busy (figures would be noisy)."""
    try:
        out = subprocess.run(["ps", "-eo", "pcpu,pid,comm", "--sort=-pcpu"], capture_output=True, text=True,
                             timeout=5).stdout.splitlines()[1:4]
    except (OSError, subprocess.SubprocessError):
        return None
    busy = [line.strip() for line in out if line.split() and float(line.split()[0]) > 20
            and int(line.split()[1]) != os.getpid()]
    return ("other processes are busy: " + "; ".join(busy)) if busy else None


# -- timing and output ----------------------------------------------------------
def time_calls(fn, repeats: int, warmup: int = 3) -> list[float]:
    """Wall-clock milliseconds of ``repeats`` calls after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def summary(ms: list[float]) -> dict:
    s = sorted(ms)
    return {"n": len(s), "median_ms": statistics.median(s), "p90_ms": s[min(len(s) - 1, int(0.9 * len(s)))],
            "min_ms": s[0], "mean_ms": statistics.fmean(s)}


def print_table(headers: list[str], rows: list[list]) -> None:
    cells = [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    print("  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(headers, widths))))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))))


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return str(value)


def target_note(value: float, target: float, lower_is_better: bool = True) -> str:
    ok = value <= target if lower_is_better else value >= target
    return f"{'meets' if ok else 'MISSES'} target {'<=' if lower_is_better else '>='} {target:g}"


def write_result(name: str, result: dict, out: Path | None = None) -> Path:
    path = out or RESULTS / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, default=_json_default) + "\n")
    print(f"\nwrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    return path


def _json_default(value):
    try:
        return value.item()
    except AttributeError:
        return str(value)


def precisions(arg: str) -> list[str]:
    from scorer.inference import resolve_precision

    out = []
    for p in arg.split(","):
        name = p.strip() if p.strip() == "fp32-packed" else resolve_precision(p.strip()) if p.strip() else None
        if name and name not in out:
            out.append(name)
    return out


def default_precision() -> str:
    """What the library runs by default."""
    from scorer.inference import DEFAULT_PRECISION

    return DEFAULT_PRECISION


def load_scorer(model: str | None, precision: str, threads: int | None, sentence_cache: bool = False):
    """A Scorer in ``precision``; ``"fp32-packed"`` is the packed path in fp32 (to tell the
    gain of packing from the gain of int8/bf16). The window cache is off unless asked for."""
    from scorer import Scorer, ScorerConfig
    from scorer.model import DEFAULT_MODEL_DIR, Detector, base_model_dir

    if precision == "fp32-packed":
        from scorer.inference import load_packed

        scorer = Scorer.load(model, ScorerConfig(precision="bf16", threads=threads))
        det = scorer.detector
        net = load_packed(Path(model) if model else DEFAULT_MODEL_DIR, base_model_dir(), "fp32")
        scorer.detector = Detector(net, det.tokenizer, det.info, precision="fp32-packed")
    else:
        scorer = Scorer.load(model, ScorerConfig(precision=precision, threads=threads))
    if not sentence_cache:
        scorer.detector.cache = None
    return scorer


def rate_for(precision: str, rates: dict) -> float:
    return rates["fp32"] if precision.startswith("fp32") else rates[precision]


# -- the real server ---------------------------------------------------------------
def server_env(port: int, model: str | None, precision: str, workers: int = 1, threads: int = 4,
               torch_threads: int | None = None) -> dict:
    """Environment for a benchmark server: result cache and window cache off, so every
    request runs the model; no TELLTALE_* setting leaks in from the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELLTALE_")}
    env.update(TELLTALE_PORT=str(port), TELLTALE_WORKERS=str(workers), TELLTALE_THREADS=str(threads),
               TELLTALE_CACHE_SIZE="0", TELLTALE_SENTENCE_CACHE="0", TELLTALE_QUEUE_TIMEOUT="30",
               TELLTALE_PRECISION=precision, TELLTALE_LOG_LEVEL="warning")
    if torch_threads:
        env["TELLTALE_TORCH_THREADS"] = str(torch_threads)
    if model:
        env["TELLTALE_MODEL_PATH"] = str(Path(model).resolve())
    return env


SERVER_COMMAND = [sys.executable, "-m", "gunicorn", "-c", "server/gunicorn.conf.py", "server:create_app()"]


def start_server(model: str | None, precision: str, *, workers: int = 1, threads: int = 4,
                 torch_threads: int | None = None, timeout: float = 300.0):
    """Start gunicorn exactly as the Dockerfile does; return ``(process, url, seconds to healthz 200)``."""
    import requests

    from load import free_port

    port = free_port()
    env = server_env(port, model, precision, workers, threads, torch_threads)
    log = tempfile.TemporaryFile()
    started = time.perf_counter()
    proc = subprocess.Popen(SERVER_COMMAND, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=log,
                            start_new_session=True)  # its own process group: workers never outlive a run
    url = f"http://127.0.0.1:{port}"
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            log.seek(0)
            raise SystemExit(f"the server exited with {proc.returncode}: {log.read().decode()[-2000:]}")
        try:
            if requests.get(url + "/healthz", timeout=5).status_code == 200:
                return proc, url, time.perf_counter() - started
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or busy loading
            pass
        time.sleep(0.02)
    _kill_group(proc)
    raise SystemExit(f"the server was not ready after {timeout:g} s")


def stop_server(proc) -> None:
    import signal

    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        pass
    _kill_group(proc)


def _kill_group(proc) -> None:
    """SIGKILL whatever is left of the server's process group (the master and its workers)."""
    import signal

    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
