import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hearth.conversations.models import MAX_SUBJECT_CHARS
from hearth.conversations.policy import MAX_PARTICIPANTS

NAME_SEPARATORS = re.compile(r"[\s,;]+")


class NewConversationForm(forms.Form):
    to = forms.CharField(
        label=_("To"),
        max_length=1000,
        help_text=_("Usernames of members of this community, separated by commas (up to %(n)s).")
        % {"n": MAX_PARTICIPANTS - 1},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    subject = forms.CharField(
        label=_("Subject (optional)"), required=False, max_length=MAX_SUBJECT_CHARS
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=settings.HEARTH_MAX_POST_CHARS * 2,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown works: **bold**, _italic_, [links](https://example.com), lists."),
    )

    def clean_to(self) -> list[str]:
        names = [name.lstrip("@") for name in NAME_SEPARATORS.split(self.cleaned_data["to"])]
        names = list(dict.fromkeys(name for name in names if name))
        if not names:
            raise forms.ValidationError(_("Write the username of at least one member."))
        if len(names) > MAX_PARTICIPANTS - 1:
            raise forms.ValidationError(
                _("A conversation can have at most %(n)s people, you included.")
                % {"n": MAX_PARTICIPANTS}
            )
        return names


class MessageForm(forms.Form):
    # The service checks the real limit; the form only refuses absurd posts early.
    body = forms.CharField(
        label=_("Reply"),
        max_length=settings.HEARTH_MAX_POST_CHARS * 2,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The moderators will be able to read this conversation up to now. "
            "Nobody else is told who reported it."
        ),
    )


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the staff log (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BlockForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
