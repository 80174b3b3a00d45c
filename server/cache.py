"""A small thread-safe LRU cache of results, keyed by a hash of the input and the model.

Only results live here, in memory, per worker; nothing is written to disk. The key
covers exactly what the result depends on (the text or the paragraphs, as sent,
and the model name and version), so a cached result's offsets always index the
request that hit it.

Each result is kept as its JSON (bytes), so what the cache holds is what it counts:
it keeps at most ``size`` results and at most ``max_bytes`` bytes of them, dropping
the least recently used first. A result larger than ``max_bytes / ENTRY_SHARE`` is
not kept at all, so one huge result cannot push out everything else.

>>> cache = ResultCache(2, max_bytes=800)
>>> k = cache.key({"text": "a"}, "m", "1")
>>> cache.get(k) is None
True
>>> cache.put(k, b'{"x":1}'), cache.get(k), cache.bytes
(True, b'{"x":1}', 7)
>>> cache.put(cache.key({"text": "b"}, "m", "1"), b"x" * 101)  # over 800 / 8: not kept
False
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict

# One result may take at most this fraction (1/ENTRY_SHARE) of the byte budget.
ENTRY_SHARE = 8


class ResultCache:
    def __init__(self, size: int, max_bytes: int = 64 * 1024 * 1024):
        self.size = size
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_bytes // ENTRY_SHARE
        self.bytes = 0
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.size > 0 and self.max_entry_bytes > 0

    @staticmethod
    def key(inputs: dict, model_name: str, model_version: str) -> str:
        """sha256 of the canonical JSON of the scored input plus the model identity.

        Normalisation is structural only (key order, separators, escapes): the
        characters are left alone because the result's offsets index them.
        """
        canonical = json.dumps([model_name, model_version, inputs], sort_keys=True,
                               ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: bytes) -> bool:
        """Keep ``value`` under ``key``; False when it is too large to keep (or the cache is off)."""
        if not self.enabled or len(value) > self.max_entry_bytes:
            return False
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= len(old)
            self._items[key] = value
            self.bytes += len(value)
            while len(self._items) > self.size or self.bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self.bytes -= len(dropped)
        return True

    def __len__(self) -> int:
        return len(self._items)
