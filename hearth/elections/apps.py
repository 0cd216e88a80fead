from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "hearth.elections"
    label = "elections"

    def ready(self) -> None:
        from hearth.core import scheduler
        from hearth.core.events import on_event_recorded
        from hearth.elections import services, tasks

        # A catch-up: every tick moves on the elections and recalls whose time came (the
        # tasks enqueued for those moments normally did it already; doing it again does
        # nothing).
        scheduler.register("elections:advance", tasks.advance_due)
        # A role staff give or take by hand is theirs: the election no longer undoes it.
        on_event_recorded(["member.role_change"], services.staff_role_change_recorded)
