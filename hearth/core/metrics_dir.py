"""Turning on prometheus_client's multiprocess mode, without importing hearth.core.metrics.

prometheus_client picks the storage of every metric created after it reads
``PROMETHEUS_MULTIPROC_DIR`` (``prometheus_client.values.ValueClass``, chosen when that
module is first imported). ``hearth serve`` sets the variable before its server processes
and the embedded worker start; if prometheus_client was already imported in this process
(a test, a library), its choice is made again, so that the metrics hearth.core.metrics
creates afterwards write to the shared directory too."""

from __future__ import annotations

import os
import sys
from pathlib import Path

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def enable_multiprocess(directory: Path) -> None:
    os.environ[MULTIPROC_ENV] = str(directory)
    values = sys.modules.get("prometheus_client.values")
    if values is not None:
        values.ValueClass = values.get_value_class()
