"""Modules loaded on first use (hearth.core.lazy_import)."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from hearth.core.lazy_import import lazy

ROOT = Path(__file__).resolve().parents[3]


def run_fresh(script: str) -> None:
    """Run ``script`` in a new interpreter, where numpy is not loaded yet."""
    done = subprocess.run(  # noqa: S603 -- our own interpreter
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_nothing_is_in_sys_modules_until_first_use():
    """psycopg looks in sys.modules for numpy when it adapts an integer: it must find
    either nothing or numpy fully loaded, never a stand-in."""
    script = (
        "import sys\n"
        "from hearth.core.lazy_import import lazy\n"
        "np = lazy('numpy')\n"
        "assert 'numpy' not in sys.modules\n"
        "assert int(np.array([1, 2]).sum()) == 3\n"
        "assert sys.modules['numpy'].integer is np.integer\n"
    )
    run_fresh(script)


def test_first_use_from_many_threads_at_once():
    script = (
        "from concurrent.futures import ThreadPoolExecutor\n"
        "from hearth.core.lazy_import import lazy\n"
        "np = lazy('numpy')\n"
        "with ThreadPoolExecutor(16) as pool:\n"
        "    found = list(pool.map(lambda _: np.integer.__name__, range(64)))\n"
        "assert found == ['integer'] * 64, found\n"
    )
    run_fresh(script)


def test_a_loaded_module_is_returned_as_it_is():
    import json

    assert lazy("json") is json
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda _: lazy("json").dumps(1), range(4))) == ["1"] * 4


def test_an_unknown_module_fails_at_once():
    with pytest.raises(ImportError):
        lazy("hearth_no_such_module")
