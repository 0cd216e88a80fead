"""Work an app process does before it exits, such as writing buffered page views.

Apps register a hook in their ``AppConfig.ready()``; the ASGI server's lifespan shutdown
(``hearth.asgi``) runs them in each server process when it stops on SIGTERM or Ctrl+C.
Other processes (management commands, a WSGI server) rely on the hooks' own ``atexit``.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

_shutdown_hooks: list[Callable[[], object]] = []


def on_shutdown(hook: Callable[[], object]) -> Callable[[], object]:
    """Run ``hook`` when this process shuts down (once per registration)."""
    if hook not in _shutdown_hooks:
        _shutdown_hooks.append(hook)
    return hook


def run_shutdown_hooks() -> None:
    """Run every hook; one that fails is logged and does not keep the others from running."""
    for hook in _shutdown_hooks:
        try:
            hook()
        except Exception:
            logger.exception("Shutdown hook %r failed", hook)
