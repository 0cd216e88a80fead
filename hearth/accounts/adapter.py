"""Hearth's allauth adapter: one client address for every limit, and the login limits of
hearth.accounts.login_limits in place of allauth's per-account lock."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter

from hearth.accounts import login_limits
from hearth.core.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
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
