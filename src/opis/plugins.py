"""The plugin manager: opis's built-in plugins, then the third-party ones of the ``opis`` entry-point
group, checked against :mod:`opis.hookspecs`; built once per process."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable
from typing import Any, TypeVar

import pluggy

from opis import hookspecs

#: the built-in plugins, registered in this order before the entry-point ones
DEFAULT_PLUGINS: tuple[str, ...] = (
    "opis.plugins_builtin.commands",
    "opis.plugins_builtin.web",
    "opis.plugins_builtin.readers",
    "opis.plugins_builtin.layouts",
    "opis.plugins_builtin.exporters",
    "opis.plugins_builtin.indexers",
    "opis.plugins_builtin.scorers",
)

_pm: pluggy.PluginManager | None = None
_lock = threading.Lock()
T = TypeVar("T")


def get_plugin_manager() -> pluggy.PluginManager:
    """The process's plugin manager: the built-ins as default plugins, then every plugin declared
    in the ``opis`` entry-point group of the installed packages (a hook implementation that does not
    match a hookspec is refused with ``pluggy.PluginValidationError``)."""
    global _pm
    if _pm is None:
        with _lock:
            if _pm is None:
                pm = pluggy.PluginManager(hookspecs.PROJECT)
                pm.add_hookspecs(hookspecs)
                for name in DEFAULT_PLUGINS:
                    pm.register(importlib.import_module(name), name=name)
                pm.load_setuptools_entrypoints(hookspecs.PROJECT)
                pm.check_pending()
                _pm = pm
    return _pm


def reset_plugin_manager() -> None:
    """Forget the plugin manager, so the next :func:`get_plugin_manager` looks for the installed
    plugins again (tests that install a plugin)."""
    global _pm
    with _lock:
        _pm = None


def ordered(results: Iterable[list[T]]) -> list[T]:
    """A list hook's results as one list, in call order (later-registered plugins first)."""
    return [item for items in results for item in items or ()]


def by_name(results: list[list[Any]]) -> dict[str, Any]:
    """A list hook's named items (each with ``.name``) as a dict in registration order (built-ins
    first); when two give the same name, the one called first (the later plugin) wins."""
    out: dict[str, Any] = {}
    for items in reversed(results):
        for item in items or ():
            out[item.name] = item
    return out
