from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth.password_validation import (
    password_validators_help_text_html as password_validators_help,
)
from django.utils.translation import gettext_lazy as _

from hearth.accounts.models import TIME_ZONE_CHOICES


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=60, required=False)
    bio = forms.CharField(
        label=_("Bio"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)
    avatar = forms.FileField(
        label=_("Avatar"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP. We resize it and remove its metadata."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
    )
    remove_avatar = forms.BooleanField(label=_("Remove my avatar"), required=False)


# Signing up and in: allauth's forms with Hearth's labels (sentence case, no placeholders
# that repeat them) and the autocomplete tokens password managers look for. The templates
# render them with includes/field.html.


def _plain(field, label, **attrs) -> None:
    field.label = label
    field.widget.attrs.pop("placeholder", None)
    field.widget.attrs.update(attrs)


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain(
            self.fields["login"],
            _("Username or email"),
            autocomplete="username",
            autocapitalize="none",
            spellcheck="false",
        )
        _plain(self.fields["password"], _("Password"), autocomplete="current-password")
        # The template links "Forgot your password?" itself, beside the field.
        self.fields["password"].help_text = ""
        if "remember" in self.fields:
            self.fields["remember"].label = _("Remember me")


class SignupForm(allauth_forms.SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain(
            self.fields["username"],
            _("Username"),
            autocomplete="username",
            autocapitalize="none",
            spellcheck="false",
        )
        self.fields["username"].help_text = _(
            "Shown to others, who @mention you with it. Letters, digits and @ . + - _ only."
        )
        _plain(self.fields["email"], _("Email"), autocomplete="email")
        self.fields["email"].help_text = _(
            "Private: we only use it to sign you in and write to you."
        )
        _plain(self.fields["password1"], _("Password"), autocomplete="new-password")
        if "password2" in self.fields:
            _plain(self.fields["password2"], _("Confirm password"), autocomplete="new-password")


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain(self.fields["email"], _("Email"), autocomplete="email")


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain(self.fields["password1"], _("New password"), autocomplete="new-password")
        self.fields["password1"].help_text = password_validators_help()
        _plain(self.fields["password2"], _("Confirm new password"), autocomplete="new-password")


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain(self.fields["oldpassword"], _("Current password"), autocomplete="current-password")
        self.fields["oldpassword"].help_text = ""  # the template links the reset itself
        _plain(self.fields["password1"], _("New password"), autocomplete="new-password")
        self.fields["password1"].help_text = password_validators_help()
        _plain(self.fields["password2"], _("Confirm new password"), autocomplete="new-password")


class SetPasswordForm(allauth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain(self.fields["password1"], _("Password"), autocomplete="new-password")
        self.fields["password1"].help_text = password_validators_help()
        _plain(self.fields["password2"], _("Confirm password"), autocomplete="new-password")


class AddEmailForm(allauth_forms.AddEmailForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain(self.fields["email"], _("Email"), autocomplete="email")
