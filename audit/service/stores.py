"""One open store per worker thread: connections are reused, never shared across threads mid-transaction."""

from __future__ import annotations

import threading

from audit.store import Store, open_store


class StorePool:
    def __init__(self, url: str):
        self.url = url
        self._local = threading.local()
        self._all: list[Store] = []
        self._guard = threading.Lock()

    def get(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.url)
            self._local.store = store
            with self._guard:
                self._all.append(store)
        return store

    def close(self) -> None:
        with self._guard:
            for store in self._all:
                store.close()
            self._all.clear()
