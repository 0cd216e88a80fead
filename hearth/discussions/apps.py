from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "hearth.discussions"
    label = "discussions"

    def ready(self) -> None:
        from hearth.communities import hooks
        from hearth.discussions import policy

        hooks.on_staff_log_shown(policy.hide_unreadable_log_details)
