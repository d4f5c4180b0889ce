"""Reload: a running server switches to a new build without refusing a request.

The server watches what it serves (``--reload-interval`` seconds between looks; a build's
``.catalog.current`` links, ``index.json`` and query store, or the YAML files) and reloads on
SIGHUP too.  A reload opens the new data and starts a new pool of query workers beside the old
ones; only when both are ready does it swap them in, in one assignment on the event loop.
Requests read the site and the pool once, when they start, so a request in flight finishes on
the data it started with; the old pool is closed once its last query has been answered, and
the old data is released after that.  Nothing is refused meanwhile: until the swap every
request goes to the old data, after it every new request to the new.

A build in progress is not reloaded half-way: the state must look the same twice in a row,
and a folder whose query store does not (yet) match its catalogs is waited for (the build
writes the store last).  A reload that fails (a broken build, violations in YAML) is logged and
the server goes on with the data it has.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dcatgen.server.workers import QueryPool

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from dcatgen.server.app import Site

log = logging.getLogger("dcatgen.server.app")

DEFAULT_RELOAD_INTERVAL = 2.0


@dataclass
class Reload:
    """How a server reloads: ``load`` opens the data anew (blocking, run in a thread) and
    returns the new site; ``state`` says cheaply what is there now (None while a build is
    still writing); ``interval`` is the seconds between looks (0: only on SIGHUP)."""

    load: Callable[[], Site]
    state: Callable[[], Hashable | None]
    interval: float = DEFAULT_RELOAD_INTERVAL


def pool_for(site: Site) -> QueryPool:
    """A query pool over a site's data, with the site's limits."""
    settings = site.settings
    return QueryPool(
        site.spec,
        settings.workers,
        settings.query_timeout,
        memory_mb=settings.query_memory_mb,
    )


async def upgrade(app: Starlette, site: Site) -> None:
    """With ``--memory-workers N``, start N workers that load the query store's data into
    memory (queries run 4-8 times faster there than in the store) and, once they are ready,
    let them take over from the store-backed pool as a reload does; nothing is refused
    meanwhile.  Nothing happens without a query store, or when a reload came first."""
    from dcatgen.sparql.persisted import in_memory

    size = site.settings.memory_workers
    spec = in_memory(site.spec) if size > 0 else None
    if spec is None:
        return
    settings = site.settings
    pool = QueryPool(
        spec,
        size,
        settings.query_timeout,
        memory_mb=settings.query_memory_mb,
    )
    try:
        await pool.start()
    except (RuntimeError, OSError) as problem:
        await pool.close()
        log.error("query workers in memory did not start, queries stay on the store: %s", problem)
        return
    except asyncio.CancelledError:
        await pool.close()
        raise
    if app.state.site is not site:  # a reload came first: its own upgrade follows
        await pool.close()
        return
    old: QueryPool = app.state.pool
    app.state.pool = pool
    log.info("query workers in memory ready: %s", ", ".join(map(str, pool.pids())))
    try:
        await old.drain(old.queue_timeout + old.timeout + 5)
    except asyncio.CancelledError:
        await old.close()  # shutting down
        raise


class Reloader:
    """Watches for a new build and swaps the app's site and pool (see the module)."""

    def __init__(self, app: Starlette, reload: Reload) -> None:
        self.app = app
        self.reload = reload
        self.reloads = 0
        self._wake = asyncio.Event()
        self._retiring: set[asyncio.Task[None]] = set()
        self._upgrading: set[asyncio.Task[None]] = set()
        self._lock = asyncio.Lock()

    def request(self) -> None:
        """Reload at the next chance (SIGHUP)."""
        self._wake.set()

    async def watch(self) -> None:
        """Look every interval (or when woken); reload when a new state has settled."""
        loop = asyncio.get_running_loop()
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signal.SIGHUP, self.request)
        loaded = await loop.run_in_executor(None, self.reload.state)
        seen = loaded
        interval = self.reload.interval
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval if interval > 0 else None)
            # Read and cleared together (no await between): a SIGHUP that came while the
            # wait was timing out is not lost.
            woken = self._wake.is_set()
            self._wake.clear()
            now = await loop.run_in_executor(None, self.reload.state)
            settled = now is not None and now != loaded and now == seen
            if (woken or settled) and await self.switch():
                loaded = now
            seen = now

    async def switch(self) -> bool:
        """Open the data again and swap it in; False (and a logged error) when it fails."""
        async with self._lock:
            loop = asyncio.get_running_loop()
            try:
                site = await loop.run_in_executor(None, self.reload.load)
            except Exception as problem:  # any failure: keep serving
                log.error("reload failed, still serving the previous data: %s", problem)
                return False
            pool = pool_for(site)
            try:
                await pool.start()
            except Exception as problem:
                await pool.close()
                site.close()
                log.error("reload failed, still serving the previous data: %s", problem)
                return False
            old_site: Site = self.app.state.site
            old_pool: QueryPool = self.app.state.pool
            # The swap: requests that start from here on see the new data.
            self.app.state.site, self.app.state.pool = site, pool
            self.reloads += 1
            log.info(
                "reloaded: %s triples, %d catalogs; query workers %s",
                f"{len(site.store):,}",
                len(site.catalogs),
                ", ".join(map(str, pool.pids())),
            )
            retiring = loop.create_task(self._retire(old_site, old_pool))
            self._retiring.add(retiring)
            retiring.add_done_callback(self._retiring.discard)
            upgrading = loop.create_task(upgrade(self.app, site))
            self._upgrading.add(upgrading)
            upgrading.add_done_callback(self._upgrading.discard)
            return True

    async def _retire(self, site: Site, pool: QueryPool) -> None:
        # A query may wait for a worker (30 s) and then run (the time limit): past both, it
        # has been answered one way or the other.
        await pool.drain(pool.queue_timeout + pool.timeout + 5)
        await asyncio.get_running_loop().run_in_executor(None, site.close)

    async def close(self) -> None:
        """Stop loading pools; finish retiring old ones (at shutdown)."""
        for task in list(self._upgrading):
            task.cancel()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await task
        for task in list(self._retiring):
            with contextlib.suppress(Exception):
                await task


def folder_state(data: Path) -> Hashable | None:
    """What a DATA path holds now, cheaply: for a build's folder its query store, index and
    catalog links; for YAML its files' times.  None while a build is still writing."""
    from dcatgen.sparql import persisted

    if not data.is_dir():
        return (_stamp(data),)
    store = data / persisted.STORE_LINK
    built = [data / "index.json", *sorted(data.glob("catalog.*"))]
    if store.is_symlink() or any(path.exists() for path in built):
        if store.is_symlink() and not persisted.is_current(data):
            return None  # the catalogs changed and the store does not match them yet
        watched = [store, *built]
        if not store.is_symlink():
            watched += sorted(data.glob("*/catalog.*"))
    else:
        watched = sorted(p for p in data.rglob("*") if p.suffix in (".yaml", ".yml"))
    return tuple(_stamp(path) for path in watched)


def _stamp(path: Path) -> tuple[str, str, int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), "", 0, 0)
    return (str(path), os.path.realpath(path), stat.st_size, stat.st_mtime_ns)
