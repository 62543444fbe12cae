"""Hypothesis profiles and the per-example time limit of the fuzz suite (``tests/test_fuzz_*.py``).

Two profiles, chosen by the ``OPIS_FUZZ`` environment variable:

* ``short`` (the default, what ``make test`` runs): few examples per test, derandomised (the
  same examples on every run, so CI does not fail by chance), about half a minute in all;
* ``long`` (``OPIS_FUZZ=long``, what ``make fuzz`` runs): ``OPIS_FUZZ_SCALE`` (default 100)
  times as many examples, randomised, and failing examples saved in a database under the
  temporary folder so that the next run tries them first. ``--hypothesis-seed=N`` replays a run.

Each example runs under :func:`time_limit`: an example over its limit fails as a hang (an
alarm raises :class:`Hang` in the test, which Hypothesis then shrinks), and should the
alarm not get through (a loop inside C code), faulthandler ends the process after three times
the limit with every thread's traceback, so a hang never stalls the run.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

PROFILE = os.environ.get("OPIS_FUZZ", "short")
if PROFILE not in ("short", "long"):
    raise SystemExit(f"OPIS_FUZZ={PROFILE!r}: use 'short' (default) or 'long'")
SCALE = int(os.environ.get("OPIS_FUZZ_SCALE", "100")) if PROFILE == "long" else 1

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
          HealthCheck.large_base_example]

settings.register_profile(
    "opis-short", deadline=None, derandomize=True, database=None, print_blob=True,
    suppress_health_check=_QUIET,
)
settings.register_profile(
    "opis-long", deadline=None, derandomize=False, print_blob=True, suppress_health_check=_QUIET,
    database=DirectoryBasedExampleDatabase(os.path.join(tempfile.gettempdir(), "opis-fuzz-examples")),
)


def fuzz(examples: int) -> settings:
    """Settings for one fuzz test: ``examples`` in the short profile, SCALE times as many in
    the long one."""
    return settings(settings.get_profile(f"opis-{PROFILE}"), max_examples=examples * SCALE)


class Hang(Exception):
    """An example ran over its time limit (not an OpisError: the test fails)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Run the block under a wall-clock limit (see the module docstring)."""
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield
        return

    def _alarm(_signum, _frame):
        raise Hang(f"example ran over its {seconds:g} s limit")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    faulthandler.dump_traceback_later(seconds * 3, exit=True, file=sys.stderr)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        faulthandler.cancel_dump_traceback_later()
        signal.signal(signal.SIGALRM, previous)
