"""A small thread-safe LRU cache of results, keyed by a hash of the input and the model.

Only results live here, in memory, per worker; nothing is written to disk. The key
covers exactly what the result depends on (the text or the paragraphs, as sent,
and the model name and version), so a cached result's offsets always index the
request that hit it.

>>> cache = ResultCache(2)
>>> k = cache.key({"text": "a"}, "m", "1")
>>> cache.get(k) is None
True
>>> cache.put(k, {"x": 1}); cache.get(k)
{'x': 1}
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict


class ResultCache:
    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[str, dict] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(inputs: dict, model_name: str, model_version: str) -> str:
        """sha256 of the canonical JSON of the scored input plus the model identity.

        Normalisation is structural only (key order, separators, escapes): the
        characters are left alone because the result's offsets index them.
        """
        canonical = json.dumps([model_name, model_version, inputs], sort_keys=True,
                               ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, key: str) -> dict | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: dict) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
