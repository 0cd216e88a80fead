"""Modules loaded on first use.

Web processes import the analytics modules (their views and the dashboard's types) but
never compute a dashboard, which the worker does: numpy costs each process about 21 MB of
memory at start-up for nothing. ``lazy("numpy")`` gives a stand-in that imports the module
at its first attribute access and answers from it; an import already done is returned as
it is.

The stand-in is not put in ``sys.modules``: code that looks there for a module (psycopg
checks for numpy when it adapts an integer) must not find one that is half loaded. The
standard library's ``LazyLoader`` puts it there, and on Python 3.11 two threads touching
it at once could see it half executed ("module 'numpy' has no attribute 'integer'", a
500 on a page during the first requests of a process). The import here is a plain
``import_module``, which the import system's locks make safe from any thread."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType


class _Deferred(ModuleType):
    def __getattr__(self, attribute: str):
        module = importlib.import_module(self.__name__)
        value = getattr(module, attribute)
        setattr(self, attribute, value)  # a module's attributes stay put: ask once
        return value


def lazy(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    if importlib.util.find_spec(name) is None:
        raise ImportError(f"No module named {name!r}")
    return _Deferred(name)
