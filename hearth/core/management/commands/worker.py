import os

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import logger

from hearth.core.worker import Heartbeat, ResilientWorker, wait_longer_for_sqlite_lock


class Command(DbWorkerCommand):
    help = (
        "Run background tasks: django-tasks-db's db_worker (same options) that survives a "
        "locked or lost database and records a heartbeat for /readyz."
    )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        reload = reload and not batch
        wait_longer_for_sqlite_lock()
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )

        def run():
            # A batch run is not a standing worker: it must not make /readyz content.
            heartbeat = None
            if not batch:
                heartbeat = Heartbeat(worker_id, settings.HEARTH_WORKER_HEARTBEAT_SECONDS)
                heartbeat.start()
            try:
                worker.run()
            finally:
                if heartbeat is not None:
                    heartbeat.stop()

        if reload:
            logger.info("Reloading the worker on code changes (HEARTH_DEBUG)")
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the reloaded child handles signals
            run_with_reloader(run)
        else:
            worker.configure_signals()
            run()
