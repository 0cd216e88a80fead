import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hearth.accounts import usernames

TIME_ZONE_CHOICES = sorted((tz, tz.replace("_", " ")) for tz in zoneinfo.available_timezones())


class UserManager(DjangoUserManager):
    def get_by_natural_key(self, username):
        """The account a typed name stands for: ``ｄｅｍｏ`` or ``DEMO`` finds ``demo`` (this
        is what password login and ``createsuperuser``'s "taken" check look up). The exact
        name wins, for an account older than keys that has none (see migration 0003)."""
        try:
            return super().get_by_natural_key(username)
        except self.model.DoesNotExist:
            return self.get(username_key=usernames.key(username))


class User(AbstractUser):
    """One global account; per-community standing lives on ``communities.Membership``."""

    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        help_text=_(
            "150 characters or fewer, in one alphabet. Letters, digits and @/./+/-/_ only."
        ),
        validators=[UnicodeUsernameValidator(), usernames.MixedScriptValidator()],
        error_messages={"unique": _("A user with that username already exists.")},
    )
    # The username as compared (see accounts/usernames.py), unique so that no two accounts
    # look alike whatever wrote them: sign-up, the admin, the CLI, the demo. Empty only
    # for an account older than the key whose name collided (kept, never re-keyed).
    username_key = models.TextField(unique=True, null=True, editable=False)
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    bio = models.TextField(_("bio"), max_length=2000, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="UTC"
    )
    # Set when the member deleted their account (hearth.privacy.erasure): the row stays as
    # a tombstone ("deleted-<n>", no personal data) so what they wrote and the interaction
    # log keep a stable, anonymous author and the analytics keep their counts.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    # The username as read from the database, to tell when it changes.
    _stored_username: str | None = None

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.username

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._stored_username = user.__dict__.get("username")
        return user

    def _username_changed(self) -> bool:
        return self._state.adding or self.username != self._stored_username

    def validate_unique(self, exclude=None):
        super().validate_unique(exclude)
        if (exclude and "username" in exclude) or not self._username_changed():
            return
        look_alike = User.objects.filter(username_key=usernames.key(self.username))
        if look_alike.exclude(pk=self.pk).exists():
            raise ValidationError(
                {"username": _("A user with that username, or one that looks the same, exists.")}
            )

    def save(self, *args, **kwargs):
        if self._username_changed():
            self.username = usernames.normalize(self.username)
            self.username_key = usernames.key(self.username)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "username", "username_key"}
        super().save(*args, **kwargs)
        self._stored_username = self.username

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def name(self) -> str:
        if self.deleted_at is not None:
            return str(_("A former member"))
        return self.display_name or self.username

    @property
    def initials(self) -> str:
        if self.deleted_at is not None:
            return "?"
        parts = self.name.split()
        letters = "".join(p[0] for p in parts[:2]) if len(parts) > 1 else self.name[:2]
        return letters.upper()
