"""A small thread-safe LRU of computed results (projections, evaluation reports) shared by a server's sessions."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from embedlab.errors import InvalidInputError


class ResultCache:
    """A small thread-safe LRU of results, shared by a server's sessions.

    Two sessions asking for the same new projection at once may both compute it; the results
    are identical (seeded), and the second simply replaces the first.
    """

    def __init__(self, max_entries: int = 32):
        if max_entries < 1:
            raise InvalidInputError(f"max_entries must be at least 1, not {max_entries}.")
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = compute()
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value
