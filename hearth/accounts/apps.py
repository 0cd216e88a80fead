from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hearth.accounts"
    label = "accounts"

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from hearth.accounts import login_limits

        # Observation only (a platform-wide counter), so a signal is the right hook: it
        # sees every failed authenticate(), allauth's and the admin's alike.
        user_login_failed.connect(login_limits.record_failure, dispatch_uid="hearth-login-failed")
