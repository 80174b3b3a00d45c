"""Prometheus metrics (the maintained ``prometheus-client``).

Each app gets its own registry. Under gunicorn, ``PROMETHEUS_MULTIPROC_DIR`` is set
by ``gunicorn.conf.py`` and ``/metrics`` aggregates every worker (the client's
multiprocess mode); files there hold numbers only, never text.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self):
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("telltale_http_requests", "HTTP requests answered",
                                ["endpoint", "method", "status"], registry=r)
        self.latency = Histogram("telltale_http_request_duration_seconds", "Time to answer a request",
                                 ["endpoint"], buckets=LATENCY_BUCKETS, registry=r)
        self.failures = Counter("telltale_http_failures", "Error responses by error type", ["type"], registry=r)
        self.texts_scored = Counter("telltale_texts_scored", "Requests scored by the model (cache misses)",
                                    registry=r)
        self.paragraphs_scored = Counter("telltale_paragraphs_scored", "Paragraphs scored by the model",
                                         registry=r)
        self.scoring_seconds = Histogram("telltale_scoring_duration_seconds", "Model time per scored request",
                                         buckets=LATENCY_BUCKETS, registry=r)
        self.cache_hits = Counter("telltale_cache_hits", "Requests answered from the result cache", registry=r)
        self.cache_misses = Counter("telltale_cache_misses", "Requests not found in the result cache", registry=r)
        self.rejected = Counter("telltale_overload_rejections", "Requests turned away because scoring was busy",
                                registry=r)
        self.model_ready = Gauge("telltale_model_ready", "1 when the worker's model is loaded and warm",
                                 registry=r, multiprocess_mode="livemin")

    def exposition(self) -> tuple[bytes, str]:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
