"""The worker's scorer: loading and warm-up, bounded concurrency, and the result cache.

One ``Engine`` per app (so one model per gunicorn worker). ``start()`` loads the
model, in a thread by default so ``/healthz`` can answer 503 meanwhile, then
scores a warm-up article; only then is the engine ready.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time

from scorer.inference import release_freed_memory

from .cache import ResultCache
from .errors import ModelUnavailable, NotReady, Overloaded
from .metrics import Metrics
from .payload import ScoreRequest
from .settings import ServerSettings

log = logging.getLogger("telltale.server")

# After a long article, hand the heap's freed pages back to the OS: glibc keeps
# them otherwise, and one 1,600-sentence request left a worker ~200 MB larger
# for good. Short articles skip it (it costs a walk of the heap).
TRIM_AFTER_SENTENCES = 200

# The warm-up article: 200+ letters, so that scoring it also loads the language check.
WARMUP_PARAGRAPHS = (
    "The city council voted on Tuesday to extend the night bus service until the end of the year, "
    "after a pilot scheme drew more riders than expected.",
    "Officials said the extra routes would cost about 1.2 million euros and would be reviewed in the spring.",
    "Drivers' unions welcomed the decision.",
)


class Engine:
    def __init__(self, settings: ServerSettings, metrics: Metrics, scorer=None):
        self.settings = settings
        self.metrics = metrics
        self.scorer = scorer
        self.error: str | None = None
        self.torch_threads: int | None = None
        self._ready = threading.Event()
        self._slots = threading.BoundedSemaphore(settings.max_concurrent)
        self.cache = ResultCache(settings.cache_size, settings.cache_bytes)

    # -- start-up -----------------------------------------------------------
    def start(self) -> None:
        if self.settings.load_in_background:
            threading.Thread(target=self._load, name="telltale-model-loader", daemon=True).start()
        else:
            self._load()
            if self.error:
                raise RuntimeError(self.error)

    def _load(self) -> None:
        started = time.perf_counter()
        try:
            import torch

            if self.scorer is None:
                self.scorer = load_scorer(self.settings)
            self.scorer.score(paragraphs=list(WARMUP_PARAGRAPHS))
            self.torch_threads = torch.get_num_threads()
        except Exception as exc:  # logged; /healthz and /v1/score answer 503 without the reason
            self.error = f"The model could not be loaded: {exc}"
            log.error("model load failed: %s: %s", type(exc).__name__, exc)
            return
        self._ready.set()
        self.metrics.model_ready.set(1)
        info = self.model_info
        log.info("model %s %s ready in %.1f s", info["name"], info["version"], time.perf_counter() - started)

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    @property
    def model_info(self) -> dict:
        info = self.scorer.info
        return {"name": info.name, "version": info.version}

    @property
    def thresholds(self) -> dict:
        return self.scorer.thresholds.to_dict()

    # -- scoring ------------------------------------------------------------
    def score(self, req: ScoreRequest) -> tuple[dict, bool]:
        """The library's result dict for ``req`` and whether it came from the cache."""
        if not self.ready:
            if self.error:
                raise ModelUnavailable()
            raise NotReady("The model is still loading; retry in a few seconds.", retry_after=2)
        info = self.model_info
        key = self.cache.key(req.inputs(), info["name"], info["version"])
        cached = self.cache.get(key)
        if cached is not None:
            self.metrics.cache_hits.inc()
            return json.loads(cached), True
        self.metrics.cache_misses.inc()
        if not self._slots.acquire(timeout=self.settings.queue_timeout):
            self.metrics.rejected.inc()
            # no slot came free in queue_timeout: suggest waiting about as long again
            wait = max(1, math.ceil(self.settings.queue_timeout))
            raise Overloaded(f"The server is busy scoring other articles (waited "
                             f"{self.settings.queue_timeout:g} s for a free slot); retry in {wait} s.",
                             retry_after=wait)
        try:
            started = time.perf_counter()
            if req.text is not None:
                result = self.scorer.score(req.text)
            else:
                result = self.scorer.score(paragraphs=list(req.paragraphs))
            self.metrics.scoring_seconds.observe(time.perf_counter() - started)
            if result.article.sentences >= TRIM_AFTER_SENTENCES:
                release_freed_memory()
        finally:
            self._slots.release()
        self.metrics.texts_scored.inc()
        self.metrics.paragraphs_scored.inc(len(req.paragraphs) if req.paragraphs else 1)
        body = result.to_dict()
        if self.cache.enabled:
            # kept as JSON: the cache counts (and bounds) exactly the bytes it holds
            self.cache.put(key, json.dumps(body, separators=(",", ":")).encode("ascii"))
        return body, False


def load_scorer(settings: ServerSettings):
    """The library's scorer with this worker's torch threads, model folder and size
    limits (the server checks its limits first, with its own messages; the library's
    must not be lower, or a larger configured limit would be silently capped)."""
    from scorer import Scorer, ScorerConfig

    config = ScorerConfig(threads=settings.torch_threads, max_chars=settings.max_text_chars,
                          max_paragraphs=settings.max_paragraphs)
    return Scorer.load(settings.model_path, config)
