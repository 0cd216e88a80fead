"""Secrets at rest: Fernet under a key derived from the settings, with rotation."""

import pytest

from hearth.core import encryption


def test_a_secret_round_trips_and_is_not_readable_in_its_token(settings):
    settings.HEARTH_SECRETS_KEY = None
    token = encryption.encrypt("whsec_abc")
    assert "whsec_abc" not in token
    assert token != encryption.encrypt("whsec_abc")  # a fresh IV each time
    assert encryption.decrypt(token) == "whsec_abc"


def test_the_key_comes_from_secret_key_when_no_secrets_key_is_set(settings):
    settings.HEARTH_SECRETS_KEY = None
    token = encryption.encrypt("s")
    settings.SECRET_KEY = "another-secret-key-of-enough-length-for-django-000000"
    with pytest.raises(encryption.SecretUnreadable, match="HEARTH_SECRETS_KEY"):
        encryption.decrypt(token)


def test_a_rotated_key_still_opens_old_tokens_through_its_fallbacks(settings):
    settings.HEARTH_SECRETS_KEY = "old-key"
    old = encryption.encrypt("s")
    settings.HEARTH_SECRETS_KEY = "new-key"
    with pytest.raises(encryption.SecretUnreadable):
        encryption.decrypt(old)
    settings.HEARTH_SECRETS_KEY_FALLBACKS = ["old-key"]
    assert encryption.decrypt(old) == "s"
    assert not encryption.is_current(old)
    fresh = encryption.reencrypt(old)
    assert encryption.is_current(fresh)
    settings.HEARTH_SECRETS_KEY_FALLBACKS = []
    assert encryption.decrypt(fresh) == "s"


def test_secret_key_and_its_fallbacks_are_tried_last(settings):
    """Moving from the SECRET_KEY-derived key to HEARTH_SECRETS_KEY, or rotating SECRET_KEY
    with SECRET_KEY_FALLBACKS, loses nothing."""
    settings.HEARTH_SECRETS_KEY = None
    settings.SECRET_KEY = "first-secret-key-0000000000000000000000000000000000"
    token = encryption.encrypt("s")
    settings.HEARTH_SECRETS_KEY = "dedicated"
    assert encryption.decrypt(token) == "s"
    assert encryption.key_materials()[0] == "dedicated"
    settings.HEARTH_SECRETS_KEY = None
    settings.SECRET_KEY = "second-secret-key-000000000000000000000000000000000"
    settings.SECRET_KEY_FALLBACKS = ["first-secret-key-0000000000000000000000000000000000"]
    assert encryption.decrypt(token) == "s"


@pytest.mark.parametrize("token", ["", "garbage", "gAAAAA" + "x" * 80, "ü"])
def test_a_damaged_token_is_a_clear_error(settings, token):
    with pytest.raises(encryption.SecretUnreadable):
        encryption.decrypt(token)
