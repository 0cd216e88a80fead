from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "hearth.members"
    label = "members"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from hearth.communities.models import Membership
        from hearth.core.events import on_events_committed
        from hearth.members import consumers, signals

        post_save.connect(
            signals.create_profile_with_membership,
            sender=Membership,
            dispatch_uid="members.create_profile_with_membership",
        )
        on_events_committed(consumers.profile_activity)
