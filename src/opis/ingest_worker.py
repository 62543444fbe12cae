"""Hard per-file limits: each file is read and extracted in a worker process that cannot overrun.

A file's reader and pipeline run in a long-lived worker process (started with ``spawn``; it loads
the pipeline and its models once and then serves file after file). The worker's address space is
capped with ``setrlimit(RLIMIT_AS)`` at ``ReadOptions.memory_mb``, so an allocation past the cap
fails inside the worker (``MemoryError``) and never reaches the machine; the parent waits at most
``ReadOptions.timeout`` (plus a short grace for the reader's own, more precise deadline) and then
kills the worker, so no slow step can run on. Either way the file ends with one line —
"timed out after 5 s", "over the memory limit (2048 MB)" — and the next file gets a fresh worker.
The parent keeps the store: the worker never queries it. What the pipeline needs from the store
(the curator's corrections, for the last stage) is sent to the worker once, when it starts or
when they change between batches; each file then travels as its path, its bytes and hash (the
parent already read and hashed it to find duplicates) and only the finished Document crosses back.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from opis.errors import OpisError
from opis.model import Document
from opis.readers import ReadOptions, read

GRACE = 1.0  # seconds past the time limit before the worker is killed (the reader's deadline speaks first)
POLL = 0.2  # seconds between checks that the worker is still alive
START_TIMEOUT = 300.0  # seconds a new worker may take to load the pipeline
WARM_UP_TEXT = (  # run once through the pipeline when a worker starts, so models load outside any file's time
    "On 5 September 1945 the NKVD of the Kazakh SSR reported to Moscow that 1,200 people crossed "
    "the border near Chuguchak.\n\nВ Алма-Ате 5 сентября 1945 года было задержано 120 человек."
)


@dataclass(frozen=True)
class Source:
    """A file as the parent has it before extraction: its path, and the bytes and SHA-256 it read
    to find duplicates (None when it did not read them, e.g. a file over the size limit)."""

    path: str
    data: bytes | None = None
    sha256: str | None = None


Corrections = Sequence[dict[str, Any]]


@dataclass
class Extracted:
    """What reading and extracting one file gave: a Document, or one line saying why not."""

    doc: Document | None
    layout: str | None = None
    error: str | None = None


def extract(source: str | Source, options: ReadOptions, pipeline, before_pipeline=None, capped: bool = False,
            corrections: Corrections = ()) -> Extracted:
    """Read ``source`` (a path, or a :class:`Source` with the bytes already read) and run
    ``pipeline`` over it with the curator's ``corrections``, in this process; errors become one line.

    ``before_pipeline`` (no arguments) is called between reading and extraction; ``capped`` says
    this process runs under the memory cap of ``options.memory_mb`` (a worker), so a stage that
    failed near the cap fails the file rather than store a record cut short.
    """
    from opis.pipeline import process

    src = source if isinstance(source, Source) else Source(source)
    path = src.path
    try:
        raw = read(path, options, data=src.data, sha256=src.sha256)
        if before_pipeline is not None:
            before_pipeline()
        doc = process(raw, pipeline, corrections)
        if capped and doc.warnings and (near_cap(options.memory_mb)
                                        or any(stage_out_of_memory(w) for w in doc.warnings)):
            return Extracted(None, error=memory_message(options.memory_mb))  # never store a record cut short
        return Extracted(doc, raw.layout)
    except OpisError as exc:
        if capped and out_of_memory(exc):
            return Extracted(None, error=memory_message(options.memory_mb))
        same_file = exc.path is not None and os.path.abspath(exc.path) == os.path.abspath(path)
        return Extracted(None, error=exc.message if same_file else str(exc))
    except MemoryError:
        return Extracted(None, error=memory_message(options.memory_mb if capped else None))
    except RecursionError:
        return Extracted(None, error="nested too deeply to process")
    except OSError as exc:
        return Extracted(None, error=f"cannot read ({exc.strerror or exc})")
    except Exception as exc:  # a reader bug must not stop the batch; name the file and the problem
        return Extracted(None, error=f"unexpected {type(exc).__name__}: {exc}")


# how running out of address space shows when it is not a MemoryError (a library that cannot load)
_NO_MEMORY = ("failed to map segment", "cannot allocate memory", "bad_alloc", "out of memory", "unable to allocate",
              "memory allocation", "allocation failed")


def out_of_memory(exc: BaseException | None) -> bool:
    """Did this failure (or one that caused it) come from running out of memory?"""
    while exc is not None:
        if isinstance(exc, MemoryError) or any(s in str(exc).lower() for s in _NO_MEMORY):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


NEAR_CAP = 64 * 1024 * 1024  # bytes: a peak this close to the cap means an allocation met it


def near_cap(memory_mb: int | None) -> bool:
    """Has this process's address space come up against the cap (``VmPeak`` within NEAR_CAP of it)?

    A stage that fails for want of memory does not always say so (a library that cannot load
    raises ImportError), so the process's own peak tells."""
    if not memory_mb:
        return False
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            peak = next((int(line.split()[1]) * 1024 for line in fh if line.startswith("VmPeak:")), 0)
    except (OSError, ValueError):
        return False
    return peak >= memory_mb * 1024 * 1024 - NEAR_CAP


def stage_out_of_memory(warning: str) -> bool:
    """Is this document warning a pipeline stage that failed for want of memory?"""
    low = warning.lower()
    return low.startswith("stage ") and ("memoryerror" in low or any(s in low for s in _NO_MEMORY))


def memory_message(memory_mb: int | None) -> str:
    """The error message of a worker killed for memory, naming the limit when there is one."""
    return f"over the memory limit ({memory_mb} MB)" if memory_mb else "out of memory"


def timeout_message(seconds: float) -> str:
    """The error message of a file that ran past the time limit."""
    return f"timed out after {seconds:g} s"


# --- the worker process ----------------------------------------------------------------------------


def _serve(conn: Connection, memory_mb: int | None) -> None:
    """Worker main loop: (source, options, pipeline names) in, Extracted out, until None or EOF;
    ("corrections", list) sets the corrections of the files that follow."""
    import resource

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if memory_mb:
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    pipelines: dict[tuple[str, ...], object] = {}
    corrections: Corrections = ()
    warm = False

    def warm_up() -> None:  # load the models once, on the clock of no file (the parent pauses it)
        nonlocal warm
        if not warm:
            conn.send(("pause", None))
            try:
                _warm_up(pipelines, memory_mb)
            finally:
                warm = True
                conn.send(("resume", None))

    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        if task[0] == "corrections":
            corrections = task[1]
            continue
        source, options, names = task
        try:
            out = extract(source, options, _pipeline(pipelines, names), warm_up, capped=bool(memory_mb),
                          corrections=corrections)
        except MemoryError:
            out = Extracted(None, error=memory_message(memory_mb))
        try:
            conn.send(out)
        except MemoryError:
            conn.send(Extracted(None, error=memory_message(memory_mb)))


def _pipeline(cache: dict, spec: tuple[tuple[str, ...], bool] | None):
    """The pipeline of ``spec`` = (component names, strict), built once per worker."""
    from opis.pipeline import Pipeline, default_pipeline

    if spec is None:
        return default_pipeline()
    if spec not in cache:
        names, strict = spec
        cache[spec] = Pipeline(list(names), strict=strict)
    return cache[spec]


def _warm_up(cache: dict, memory_mb: int | None) -> None:
    from opis.pipeline import document_from_raw
    from opis.readers.base import RawDocument

    raw = RawDocument(path="(warm-up)", sha256="0" * 64, format="text", reader=__name__, text=WARM_UP_TEXT)
    doc = _pipeline(cache, None)(document_from_raw(raw))
    if doc.warnings and (near_cap(memory_mb) or any(stage_out_of_memory(w) for w in doc.warnings)):
        raise MemoryError("the pipeline does not load under the memory limit")


# --- the parent's side -----------------------------------------------------------------------------


@contextlib.contextmanager
def _main_hidden():
    """Start a spawned process without re-running the parent's ``__main__`` in it.

    ``spawn`` imports the parent's main script in the child unless it is guarded by
    ``if __name__ == "__main__"``; the worker needs nothing from it (its code is in this module),
    so the script's path is hidden while the worker starts.
    """
    main = sys.modules.get("__main__")
    saved = {k: main.__dict__.pop(k) for k in ("__file__",) if main is not None and k in main.__dict__}
    spec = getattr(main, "__spec__", None) if main is not None else None
    if main is not None:
        main.__spec__ = None
    try:
        yield
    finally:
        if main is not None:
            main.__dict__.update(saved)
            main.__spec__ = spec


class LimitTooLow(OpisError):
    """The worker could not even start under the memory limit."""


class Worker:
    """One worker process; ``run`` gives it a file and waits at most the file's time limit."""

    def __init__(self, memory_mb: int | None):
        self.memory_mb = memory_mb
        self.corrections: list[dict[str, Any]] = []  # what the worker was last sent
        self.busy = threading.Lock()  # one file at a time, whichever thread asks
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, memory_mb), name="opis-ingest-worker", daemon=True)
        with _main_hidden():
            self.proc.start()
        child.close()
        if not self.conn.poll(START_TIMEOUT):
            self.kill()
            raise OpisError(f"the ingest worker did not start within {START_TIMEOUT:g} s")
        try:
            status, message = self.conn.recv()
        except (EOFError, OSError) as exc:
            message = self._died(loading=True)
            self.kill()
            if "memory limit" in message:
                raise LimitTooLow(message) from exc
            raise OpisError(f"the ingest worker failed to start ({self._death()})") from exc
        if status != "ready":
            self.kill()
            raise OpisError(f"the ingest worker failed to start: {message}")

    def alive(self) -> bool:
        """Whether the worker process is still running."""
        return self.proc.is_alive()

    def run(self, source: Source, options: ReadOptions, names: tuple[tuple[str, ...], bool] | None,
            corrections: Corrections = ()) -> tuple[Extracted, bool]:
        """(what the worker gave, whether the worker must be replaced). ``corrections`` are sent
        only when they differ from those the worker has (once per worker, or per batch)."""
        try:
            if list(corrections) != self.corrections:
                self.corrections = list(corrections)
                self.conn.send(("corrections", self.corrections))
            self.conn.send((source, options, names))
        except (OSError, ValueError):  # the worker went away between two files
            return Extracted(None, error=self._died()), True
        end = time.monotonic() + options.timeout + GRACE if options.timeout else None
        while True:
            wait = POLL if end is None else min(POLL, max(end - time.monotonic(), 0.0))
            if self.conn.poll(wait):
                try:
                    out = self.conn.recv()
                except (EOFError, OSError):
                    return Extracted(None, error=self._died()), True
                if isinstance(out, tuple):  # ("pause", None): the worker loads its models
                    paused = time.monotonic()
                    if not self.conn.poll(START_TIMEOUT):
                        self.kill()
                        return Extracted(None, error="the pipeline's models did not load in time"), True
                    try:
                        self.conn.recv()  # ("resume", None)
                    except (EOFError, OSError):
                        return Extracted(None, error=self._died(loading=True)), True
                    if end is not None:
                        end += time.monotonic() - paused
                    continue
                spent = out.error is not None and out.error == memory_message(self.memory_mb)
                return out, spent  # after a MemoryError the worker's state is not to be trusted
            if not self.proc.is_alive():
                return Extracted(None, error=self._died()), True
            if end is not None and time.monotonic() >= end:
                self.kill()
                return Extracted(None, error=timeout_message(options.timeout)), True

    def _died(self, loading: bool = False) -> str:
        """One line for a worker that died: by a signal under a memory cap, most likely the cap."""
        self.proc.join(1.0)
        code = self.proc.exitcode
        what = "died loading the pipeline" if loading else "died"
        crash = code is not None and (code > 0 or -code in (signal.SIGABRT, signal.SIGKILL, signal.SIGSEGV,
                                                             signal.SIGBUS))
        if crash and self.memory_mb:
            return f"the reader process {what} ({self._death()}), most likely over the memory limit ({self.memory_mb} MB)"
        return f"the reader process {what} ({self._death()})"

    def _death(self) -> str:
        code = self.proc.exitcode
        if code is None:
            return "no exit status"
        if code < 0:
            try:
                return f"signal {signal.Signals(-code).name}"
            except ValueError:
                return f"signal {-code}"
        return f"exit status {code}"

    def kill(self) -> None:
        """Kill the worker process, wait up to 5 s for it and close the pipe."""
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5.0)
        self.conn.close()

    def close(self) -> None:
        """Ask the worker to stop, give it 2 s, then kill it."""
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.proc.join(2.0)
        self.kill()


_lock = threading.Lock()
_workers: dict[tuple[int | None, int], Worker] = {}  # by (memory limit, slot)
_unavailable: str | None = None  # why workers cannot be started here (then files run in-process)


def extract_isolated(source: str | Source, options: ReadOptions, pipeline, corrections: Corrections = (),
                     slot: int = 0) -> Extracted:
    """``extract`` in a worker process under the file's time and memory limits.

    The pipeline travels by its component names and strictness (``Pipeline.names``, ``.strict``),
    the ``corrections`` once per worker (and again only when they change). ``slot``: which worker
    process of this process runs the file (``opis ingest --jobs N`` extracts N files at once, one
    per slot; a slot is used by one thread at a time).
    A pipeline the worker cannot rebuild by name (a component registered from outside opis, e.g.
    in a notebook or a test) runs in this process; so does every file where no worker process can
    be started, and a warning then says once that the limits are soft.
    """
    if pipeline is not None and not rebuildable(pipeline):
        return extract(source, options, pipeline, corrections=corrections)
    source = source if isinstance(source, Source) else Source(source)
    names = None if pipeline is None else (tuple(pipeline.names), bool(getattr(pipeline, "strict", False)))
    key = (options.memory_mb, slot)
    try:
        worker = _worker(key)
    except LimitTooLow as exc:  # this file's limit, not a reason to give up workers
        return Extracted(None, error=exc.message)
    if worker is None:
        from opis.pipeline import default_pipeline

        return extract(source, options, pipeline or default_pipeline(), corrections=corrections)
    with worker.busy:
        out, replace = worker.run(source, options, names, corrections)
    if replace:
        worker.kill()
        with _lock:
            if _workers.get(key) is worker:
                del _workers[key]
    return out


def _worker(key: tuple[int | None, int]) -> Worker | None:
    """The live worker of ``key``, started when needed; None when workers cannot run here."""
    global _unavailable
    with _lock:
        worker = _workers.get(key)
        if worker is not None and worker.alive():
            return worker
        if _unavailable is not None:
            return None
    try:
        worker = Worker(key[0])  # started outside the lock: several slots load their models at once
    except LimitTooLow:
        raise
    except (OpisError, OSError) as exc:
        with _lock:
            if _unavailable is None:
                _unavailable = str(exc)
                print(f"warning: no worker process ({_unavailable}); files are read in-process, "
                      "without hard time and memory limits", file=sys.stderr)
        return None
    with _lock:
        _workers[key] = worker
    return worker


def rebuildable(pipeline) -> bool:
    """Can a worker rebuild this pipeline from its names (every component comes from opis itself)?"""
    components = getattr(pipeline, "components", None)
    if components is None:
        return False
    return all(f"opis.pipeline.{name}" == getattr(fn, "__module__", "") for name, fn in components)


@atexit.register
def shutdown() -> None:
    """Stop the worker processes (at exit; also safe to call at any time)."""
    with _lock:
        for worker in _workers.values():
            worker.close()
        _workers.clear()
