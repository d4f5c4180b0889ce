"""Query workers: SPARQL runs in child processes that can be killed when a query runs too long.

pyoxigraph cannot cancel a running query, and a Python thread cannot be stopped: an abandoned
thread would keep a core busy until its query ends, however long that is.  So each query goes
to a worker process that holds its own handle on the data (a read-only store folder, or an
in-memory copy loaded from an N-Quads dump).  The server waits for the answer up to the time
limit; past it, the worker is killed (SIGKILL), the client gets 503, and a fresh worker is
started in its place.  The CPU and memory of a runaway query are reclaimed at once.

Each worker may also use only a fixed amount of memory beyond what its data takes
(``RLIMIT_AS``, set once the data is loaded): a query that needs more (a cross product sorted
in memory reached 3 GB in 3 s) fails inside the worker instead of taking the machine, and
the client gets 503 as for the time limit.

Workers are started with the ``spawn`` method: the server has threads (asyncio, the thread
pool), and forking a threaded process is unsafe.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import resource
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from dcatgen.sparql.engine import QueryAnswer, QueryRequest
from dcatgen.sparql.store import StoreSpec

log = logging.getLogger("dcatgen.server.app")

READY = "ready"
START_TIMEOUT_S = 120.0
"""How long a worker may take to open a query store (read-only: it opens in a moment)."""
LOAD_START_TIMEOUT_S = 900.0
"""How long a worker may take to load its data into memory (a national build on a busy
machine: minutes)."""
DEFAULT_QUERY_MEMORY_MB = 1024


def memory_message(megabytes: int) -> str:
    """The 503 text for a query stopped by the worker's memory limit."""
    return (
        f"query memory limit exceeded ({megabytes} MB per query worker): the query was "
        "stopped; narrow it, or run it against a copy of the data with `dcatgen query`"
    )


def address_space() -> int | None:
    """This process's virtual memory size in bytes (Linux), or None where it cannot be read."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def limit_memory(megabytes: int) -> None:
    """Let this process grow by at most ``megabytes`` beyond its present size (RLIMIT_AS).

    Counted from the present size, so the limit is for the query, whatever the data took.
    """
    now = address_space()
    if now is None or megabytes <= 0:
        return
    limit = now + megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def worker_main(connection: Connection, spec: StoreSpec, memory_mb: int = 0) -> None:
    """A worker's loop: open the data, say ready, then answer one request at a time."""
    import dcatgen.rdf.serialize  # noqa: F401  (CONSTRUCT answers need it: load it before timing)
    from dcatgen.sparql.engine import run

    store = spec.open()
    limit_memory(memory_mb)
    connection.send(READY)
    while True:
        try:
            request = connection.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if request is None:
            return
        try:
            answer = run(store, request)
        except MemoryError:
            # Python ran out within the limit; the engine's own allocations abort the
            # process instead, which the pool reports the same way.  Either way the
            # worker ends, so its replacement starts with a clean heap.
            connection.send(QueryAnswer.error(503, memory_message(memory_mb)))
            return
        connection.send(answer)


@dataclass(eq=False)
class Worker:
    """One worker process and the parent's end of its pipe."""

    process: BaseProcess
    connection: Connection

    def kill(self) -> None:
        """Kill the process at once and reap it."""
        with contextlib.suppress(OSError):
            self.connection.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=10)

    def stop(self) -> None:
        """Ask the process to end; kill it if it does not within a few seconds."""
        with contextlib.suppress(OSError, BrokenPipeError):
            self.connection.send(None)
        self.process.join(timeout=3)
        self.kill()


def _start_worker(
    spec: StoreSpec, memory_mb: int = 0, start_timeout: float = START_TIMEOUT_S
) -> Worker:
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=True)
    process = context.Process(
        target=worker_main,
        args=(child, spec, memory_mb),
        name="dcatgen-query-worker",
        daemon=True,
    )
    process.start()
    child.close()
    worker = Worker(process, parent)
    if not parent.poll(start_timeout):
        worker.kill()
        raise RuntimeError("a query worker did not start in time")
    try:
        message = parent.recv()
    except EOFError:
        worker.kill()
        raise RuntimeError(
            f"a query worker died while starting (exit {process.exitcode})"
        ) from None
    if message != READY:
        worker.kill()
        raise RuntimeError(f"a query worker said {message!r} instead of {READY!r}")
    return worker


def _receive(connection: Connection, seconds: float) -> QueryAnswer | None:
    """The worker's answer, or None when none came within the time (blocking; in a thread)."""
    if seconds <= 0 or not connection.poll(seconds):
        return None
    answer = connection.recv()
    assert isinstance(answer, QueryAnswer)
    return answer


class QueryPool:
    """A fixed number of worker processes; each query gets one, within a time limit."""

    def __init__(
        self,
        spec: StoreSpec,
        size: int,
        timeout: float,
        queue_timeout: float = 30.0,
        memory_mb: int = DEFAULT_QUERY_MEMORY_MB,
        start_timeout: float = START_TIMEOUT_S,
    ) -> None:
        self.spec = spec
        # A worker that loads the data into memory takes as long as parsing it does.
        loads = spec.location is None
        self.start_timeout = max(start_timeout, LOAD_START_TIMEOUT_S) if loads else start_timeout
        self.size = max(1, size)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.queue_timeout = queue_timeout
        self._idle: asyncio.Queue[Worker] = asyncio.Queue()
        self._all: set[Worker] = set()
        self._closing = False
        self._starting: set[asyncio.Task[None]] = set()
        self.killed = 0
        self._users = 0
        self._unused = asyncio.Event()
        self._unused.set()

    async def start(self) -> None:
        """Start every worker (in parallel) and wait until all are ready."""
        loop = asyncio.get_running_loop()
        started = await asyncio.gather(
            *(
                loop.run_in_executor(
                    None, _start_worker, self.spec, self.memory_mb, self.start_timeout
                )
                for _ in range(self.size)
            )
        )
        for worker in started:
            self._all.add(worker)
            self._idle.put_nowait(worker)

    async def _replace(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            worker = await loop.run_in_executor(
                None, _start_worker, self.spec, self.memory_mb, self.start_timeout
            )
        except RuntimeError as error:
            log.error("could not replace a query worker: %s", error)
            return
        if self._closing:
            worker.kill()
            return
        self._all.add(worker)
        self._idle.put_nowait(worker)

    def _schedule_replacement(self) -> None:
        task = asyncio.get_running_loop().create_task(self._replace())
        self._starting.add(task)
        task.add_done_callback(self._starting.discard)

    async def _retire(self, worker: Worker) -> None:
        self._all.discard(worker)
        await asyncio.get_running_loop().run_in_executor(None, worker.kill)
        if not self._closing:
            self._schedule_replacement()

    async def run(self, request: QueryRequest) -> QueryAnswer:
        """Answer a query in a worker; 503 when it is not answered within the time limit.

        The time limit counts from when a worker takes the query; waiting for a free worker
        (all busy, or one restarting after a kill) is bounded by ``queue_timeout``.
        """
        self._users += 1
        self._unused.clear()
        try:
            return await self._run(request)
        finally:
            self._users -= 1
            if self._users == 0:
                self._unused.set()

    async def drain(self, timeout: float) -> None:
        """Wait until no request uses the pool (at most ``timeout`` seconds), then close it.

        After a reload the server sends new queries to a new pool; the queries this one took
        before (running, or waiting for a worker) finish here, on the data they started with.
        """
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._unused.wait(), timeout)
        await self.close()

    async def _run(self, request: QueryRequest) -> QueryAnswer:
        loop = asyncio.get_running_loop()
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout=self.queue_timeout)
        except TimeoutError:
            return QueryAnswer.error(
                503,
                f"all query workers stayed busy for {self.queue_timeout:g} s: try again later",
                retry_after=True,
            )
        deadline = time.monotonic() + self.timeout
        try:
            worker.connection.send(request)
            answer = await loop.run_in_executor(
                None, _receive, worker.connection, deadline - time.monotonic()
            )
        except (EOFError, OSError, BrokenPipeError) as error:
            await self._retire(worker)
            if worker.process.exitcode == -signal.SIGABRT and self.memory_mb > 0:
                # The engine aborts the process when an allocation fails: the memory limit.
                log.warning("a query ran out of memory; its worker was restarted")
                return QueryAnswer.error(503, memory_message(self.memory_mb))
            log.error("a query worker failed: %s (exit %s)", error, worker.process.exitcode)
            return QueryAnswer.error(500, "the query worker failed; it has been restarted")
        if answer is None:
            self.killed += 1
            log.warning("query exceeded %g s; its worker was killed", self.timeout)
            await self._retire(worker)
            return QueryAnswer.error(
                503,
                f"query time limit exceeded ({self.timeout:g} s): the query was stopped; "
                "narrow it, or run it against a copy of the data with `dcatgen query`",
            )
        if answer.status == 503:
            await self._retire(worker)  # out of memory: it ends itself (see worker_main)
        else:
            self._idle.put_nowait(worker)
        return answer

    async def close(self) -> None:
        """Stop every worker (also those still starting)."""
        self._closing = True
        for task in list(self._starting):
            with contextlib.suppress(Exception):
                await task
        loop = asyncio.get_running_loop()
        workers = list(self._all)
        self._all.clear()
        await asyncio.gather(*(loop.run_in_executor(None, w.stop) for w in workers))

    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return sorted(w.process.pid for w in self._all if w.process.pid is not None)
