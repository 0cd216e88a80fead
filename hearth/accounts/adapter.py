"""Hearth's allauth adapter: sign-up usernames are normalised and compared by look, one
client address serves every limit, and the login limits of hearth.accounts.login_limits
replace allauth's per-account lock."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import gettext_lazy as _

from hearth.accounts import login_limits, usernames
from hearth.accounts.models import User
from hearth.core.client_ip import client_ip


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
        # "deleted-<n>" names the tombstones of deleted accounts (hearth.privacy.erasure).
        if usernames.is_reserved(username) or username.casefold().startswith("deleted-"):
            raise self.validation_error("username_blacklisted")
        if not shallow and User.objects.filter(username_key=usernames.key(username)).exists():
            raise self.validation_error("username_taken")
        return username

    def get_client_ip(self, request) -> str:
        return client_ip(request)

    def pre_authenticate(self, request, **credentials) -> None:
        account = self._get_login_attempts_cache_key(request, **credentials)
        self._login_failed_rl_usage = login_limits.consume_attempt(request, account)
        if self._login_failed_rl_usage is None:
            raise self.validation_error("too_many_login_attempts")

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        # After a password reset, allauth wipes the failed-login counts of the account.
        login_limits.clear(request, self._get_login_attempts_cache_key(request, **credentials))

    def get_login_redirect_url(self, request) -> str:
        """Someone who signed up from a community's landing page and has not joined it yet
        goes back to its join page (with their invite), wherever they confirmed their
        address; everyone else where allauth sends them. Only used when ``next`` is absent
        or unsafe (allauth checks it with url_has_allowed_host_and_scheme)."""
        from hearth.growth.selectors import join_url_for_newcomer

        return join_url_for_newcomer(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request) -> str:
        from hearth.growth.selectors import join_url_for_newcomer

        return join_url_for_newcomer(request) or super().get_signup_redirect_url(request)
