from django import forms
from django.utils.translation import gettext_lazy as _

from hearth.core.forms import IdField
from hearth.discussions.forms import MARKDOWN_HELP, _TokenMixin
from hearth.onboarding.models import ChecklistKind
from hearth.onboarding.services import MAX_ITEM_TITLE_CHARS, MAX_WELCOME_CHARS


class WelcomeMessageForm(forms.Form):
    # Lengths are checked by the service, which names the limit in its message.
    body = forms.CharField(
        label=_("Welcome message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "maxlength": MAX_WELCOME_CHARS}),
        help_text=MARKDOWN_HELP,
    )
    show_on_first_visit = forms.BooleanField(
        label=_("Show it on the community home to new members until they close it"),
        required=False,
    )
    send_as_message = forms.BooleanField(
        label=_("Send it as a direct message when someone joins"), required=False
    )
    # Any id is accepted here: the service decides who may send (staff of this community).
    sender = IdField(label=_("Send the message from"), required=False)

    def __init__(self, *args, senders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sender"].widget = forms.Select(
            choices=[("", "—")]
            + [(str(m.user_id), f"{m.user.name} ({m.get_role_display()})") for m in senders]
        )


class ChecklistItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=ChecklistKind.choices)
    title = forms.CharField(
        label=_("Label (optional)"),
        required=False,
        max_length=1000,
        help_text=_("Leave empty to use the step's name."),
        widget=forms.TextInput(attrs={"maxlength": MAX_ITEM_TITLE_CHARS}),
    )
    # Any id is accepted here: the service checks the topic is this community's and readable.
    topic = IdField(
        label=_("Guide to read"),
        required=False,
        help_text=_("For “Read the guide”: a topic every member can read. Pinned topics first."),
    )

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].widget = forms.Select(
            choices=[("", "—")]
            + [(str(t.pk), f"📌 {t.title}" if t.is_pinned else t.title) for t in topics]
        )


class WelcomeReplyForm(_TokenMixin):
    body = forms.CharField(
        label=_("Your welcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
