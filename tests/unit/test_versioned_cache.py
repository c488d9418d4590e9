"""The cache of answers kept while their data is unchanged."""

from __future__ import annotations

from retrieval.cache import VersionedCache


def test_a_value_is_served_only_under_the_stamp_it_was_stored_with() -> None:
    cache: VersionedCache[str] = VersionedCache(4)
    cache.put("k", (1, 7), "answer")
    assert cache.get("k", (1, 7)) == "answer"
    assert cache.get("k", (2, 7)) is None  # the graph moved
    assert cache.get("k", (1, 8)) is None  # the index moved
    assert cache.get("other", (1, 7)) is None
    assert (cache.hits, cache.misses) == (1, 3)


def test_a_newer_value_replaces_the_older() -> None:
    cache: VersionedCache[str] = VersionedCache(4)
    cache.put("k", 1, "old")
    cache.put("k", 2, "new")
    assert cache.get("k", 1) is None and cache.get("k", 2) == "new"


def test_the_least_recently_used_entry_goes_first() -> None:
    cache: VersionedCache[int] = VersionedCache(2)
    cache.put("a", 0, 1)
    cache.put("b", 0, 2)
    assert cache.get("a", 0) == 1  # a is now the most recent
    cache.put("c", 0, 3)
    assert cache.get("b", 0) is None
    assert (cache.get("a", 0), cache.get("c", 0)) == (1, 3)
    cache.clear()
    assert cache.get("a", 0) is None
