from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "hearth.privacy"
    label = "privacy"

    def ready(self) -> None:
        from hearth.core import scheduler
        from hearth.privacy.tasks import remove_expired_exports

        scheduler.register("privacy:expired-exports", remove_expired_exports, slot=scheduler.daily)
