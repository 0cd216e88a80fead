from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "hearth.governance"
    label = "governance"

    def ready(self) -> None:
        from hearth.core import scheduler
        from hearth.governance import tasks

        # A catch-up: every tick closes the votes whose time is up and adopts the passed
        # proposals whose veto window ended (each once: the proposal row is locked and its
        # status checked), in case their deferred task was lost or never queued.
        scheduler.register("governance:close", tasks.close_due_job)
