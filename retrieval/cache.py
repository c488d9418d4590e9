"""Answers kept while the data they were read from has not changed.

Each entry is stored with the *stamp* of the data it was computed from (the graph's
``data_version()``, the index's ``version``): a lookup with another stamp misses. A
stamp is read before the work starts, so an answer computed while a write lands is
stored under the older stamp and never served again. Bounded, least recently used out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class VersionedCache(Generic[V]):
    """A small LRU map from a key to a value valid for one stamp."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[Hashable, V]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, stamp: Hashable) -> V | None:
        """The value stored for ``key`` under ``stamp``; None when absent or stale."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != stamp:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[1]

    def put(self, key: Hashable, stamp: Hashable, value: V) -> None:
        with self._lock:
            self._entries[key] = (stamp, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
