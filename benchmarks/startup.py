"""Start-up: seconds from starting the server to ``/healthz`` 200 (a benchmark, not a test).

    python benchmarks/startup.py                       # int8 (the default) and fp32, 3 starts each

Each start runs gunicorn exactly as the Dockerfile does (one worker) and polls
``/healthz`` every 20 ms; 200 means the worker has loaded the model and scored a
warm-up text. A fresh Python process also times the library's steps (imports,
``Scorer.load``, first score) to show where the seconds go. Figures are for a
warm page cache (the files were read recently), as on any restart but the first
after boot.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

import common

STEPS = r"""
import json, sys, time
t = {}
t0 = time.perf_counter()
import torch
t["import torch"] = time.perf_counter() - t0
t1 = time.perf_counter()
from scorer import Scorer, ScorerConfig
t["import scorer"] = time.perf_counter() - t1
t1 = time.perf_counter()
scorer = Scorer.load(sys.argv[1] or None, ScorerConfig(precision=sys.argv[2]))
t["Scorer.load"] = time.perf_counter() - t1
t1 = time.perf_counter()
scorer.score(paragraphs=["The city council voted on Tuesday to extend the night bus service.",
                         "Officials said the extra routes would cost about 1.2 million euros."])
t["first score"] = time.perf_counter() - t1
t["total"] = time.perf_counter() - t0
print(json.dumps(t))
"""


def library_steps(model: str | None, precision: str) -> dict:
    out = subprocess.run([sys.executable, "-c", STEPS, model or "", precision], capture_output=True, text=True,
                         cwd=common.REPO, env=common.server_env(0, model, precision), check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_common_arguments(p)
    p.set_defaults(precisions="int8,fp32")
    p.add_argument("--starts", type=int, default=3, help="server starts per precision (default %(default)s)")
    args = p.parse_args(argv)
    warning = common.other_load()

    rows = []
    for precision in common.precisions(args.precisions):
        times = []
        for _ in range(args.starts):
            proc, _, ready_s = common.start_server(args.model, precision, torch_threads=args.threads)
            common.stop_server(proc)
            times.append(ready_s)
        steps = library_steps(args.model, precision)
        rows.append({"precision": precision, "healthz_200_s": times, "median_s": statistics.median(times),
                     "library_steps_s": steps})

    result = {
        "benchmark": "server start-up",
        "machine": common.machine(args.threads),
        "target_s": common.TARGETS["startup_healthz_s"],
        "rows": rows,
        "warning": warning,
    }
    if warning:
        print("WARNING:", warning, "- figures are noisy")
    steps = list(rows[0]["library_steps_s"])
    common.print_table(["precision", "healthz 200 median s", "each start s"] + [f"{s} s" for s in steps],
                       [[r["precision"], r["median_s"], " ".join(f"{t:.2f}" for t in r["healthz_200_s"])]
                        + [r["library_steps_s"][s] for s in steps] for r in rows])
    for r in rows:
        print(f"{r['precision']}: healthz 200 after {r['median_s']:.2f} s, "
              f"{common.target_note(r['median_s'], result['target_s'])} s")
    common.write_result("startup", result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
