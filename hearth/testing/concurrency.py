"""Running callables at the same moment, for tests of what must hold under concurrency."""

import threading

from django.db import connection


def race(targets) -> list[Exception]:
    """Start every callable in its own thread at once (a barrier), wait for all, and return
    what they raised. Each thread closes its own database connection when done."""
    errors = []
    barrier = threading.Barrier(len(targets))

    def run(fn):
        try:
            barrier.wait(timeout=30)
            fn()
        except Exception as exc:  # noqa: BLE001 - returned to the test, which asserts on it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors
