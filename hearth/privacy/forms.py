from django import forms
from django.utils.translation import gettext_lazy as _

from hearth.privacy.models import DeletedMessages, DeletedPosts


class DeleteAccountForm(forms.Form):
    """Re-authentication before a deletion: the password, or, for an account that signs
    in only through a social provider (no password), its username typed out."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm_username = forms.CharField(
        label=_("Type your username to confirm"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    understood = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm you understand.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            del self.fields["confirm_username"]
        else:
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password

    def clean_confirm_username(self):
        typed = self.cleaned_data["confirm_username"].strip()
        if typed.casefold() != self.user.username.casefold():
            raise forms.ValidationError(_("That is not your username."))
        return typed


class PrivacySettingsForm(forms.Form):
    deleted_posts = forms.ChoiceField(
        label=_("Posts by members who delete their account"),
        choices=DeletedPosts.choices,
        widget=forms.RadioSelect,
    )
    deleted_messages = forms.ChoiceField(
        label=_("Direct messages they sent"),
        choices=DeletedMessages.choices,
        widget=forms.RadioSelect,
    )
