"""Modules loaded on first use.

Web processes import the analytics modules (their views and the dashboard's types) but
never compute a dashboard, which the worker does: numpy costs each process about 21 MB of
memory at start-up for nothing. ``lazy("numpy")`` gives a module whose code runs at its
first attribute access (``importlib.util.LazyLoader``); an import of it already done is
returned as it is."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(f"No module named {name!r}")
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
