from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "hearth.moderation"
    label = "moderation"

    def ready(self) -> None:
        from hearth.discussions import hooks
        from hearth.moderation import services

        hooks.on_post_created(services.hold_first_post_if_required)
        hooks.on_post_edited(services.review_reopen_after_edit)
