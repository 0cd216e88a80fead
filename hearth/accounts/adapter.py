"""allauth's account adapter: sign-up usernames are normalised and compared by look."""

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import gettext_lazy as _

from hearth.accounts import usernames
from hearth.accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_blacklisted": _("That username is reserved. Please choose another."),
        "username_taken": _("That username, or one that looks the same, is taken."),
    }

    def clean_username(self, username: str, shallow: bool = False) -> str:
        """Stored NFKC-normalised (``ｄｅｍｏ`` becomes ``demo``); refused when it spells a
        reserved name or looks like an existing account, in any case or script."""
        username = super().clean_username(usernames.normalize(username), shallow=shallow)
        if usernames.is_reserved(username):
            raise self.validation_error("username_blacklisted")
        if not shallow and User.objects.filter(username_key=usernames.key(username)).exists():
            raise self.validation_error("username_taken")
        return username
