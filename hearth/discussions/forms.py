import time
import uuid

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from hearth.core.forms import IdField
from hearth.discussions.models import CategoryKind, PostAccess, ReadAccess, WatchLevel

IMAGE_ACCEPT = "image/png,image/jpeg,image/gif,image/webp"
OPENED_SALT = "hearth.discussions.compose-opened"
OPENED_MAX_AGE = 7 * 24 * 3600  # an older stamp is no signal either way


MESSAGE_LABEL = _("Message")
MARKDOWN_HELP = _(
    "Markdown: **bold**, _italic_, `code`, > quote, - lists, ::: spoiler. "
    "Mention someone with @username."
)


def _body_field(label=MESSAGE_LABEL):
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "data-mentions": "true"}),
        help_text=MARKDOWN_HELP,
    )


class _TokenMixin(forms.Form):
    """A one-time token per rendered form: a double-clicked submit posts once. The form
    also carries when it was opened, signed, so the spam signals can tell a post typed
    faster than a person can type."""

    client_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    opened = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_token", uuid.uuid4().hex)
            self.initial.setdefault(
                "opened", signing.dumps(round(time.time(), 2), salt=OPENED_SALT)
            )

    def composed_in(self) -> float | None:
        """Seconds between opening the form and sending it; 0 when the stamp was tampered
        with (as fast as can be), None when there is none (an old page)."""
        stamp = self.cleaned_data.get("opened")
        if not stamp:
            return None
        try:
            opened = float(signing.loads(stamp, salt=OPENED_SALT, max_age=OPENED_MAX_AGE))
        except signing.SignatureExpired:
            return None
        except (signing.BadSignature, TypeError, ValueError):
            return 0.0
        return max(0.0, time.time() - opened)


class TopicForm(_TokenMixin):
    category = forms.ChoiceField(label=_("Category"))
    title = forms.CharField(label=_("Title"), required=False, max_length=1000)
    body = _body_field()
    image = forms.FileField(
        label=_("Attach an image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(str(c.pk), c.name) for c in categories]
        self.fields["body"].widget.attrs["maxlength"] = settings.HEARTH_MAX_POST_CHARS


class ReplyForm(_TokenMixin):
    body = _body_field(_("Your reply"))
    reply_to = IdField(widget=forms.HiddenInput, required=False)
    image = forms.FileField(
        label=_("Attach an image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
    )


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False, max_length=1000)
    body = _body_field()
    # The post's edit_count when the editor opened: a save over a newer edit is a conflict.
    revision = forms.IntegerField(
        required=False, min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput
    )


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=CategoryKind.choices,
        initial=CategoryKind.DISCUSSION,
        widget=forms.RadioSelect,
        help_text=_("Questions get accepted answers; ideas get votes, statuses and a roadmap."),
    )
    slug = forms.CharField(
        label=_("URL slug"),
        max_length=60,
        required=False,
        help_text=_("Leave empty to derive it from the name."),
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    color = forms.CharField(
        label=_("Colour"),
        max_length=7,
        initial="#64748b",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    read_access = forms.ChoiceField(
        label=_("Who may read"),
        choices=ReadAccess.choices,
        widget=forms.RadioSelect,
        initial=ReadAccess.EVERYONE,
    )
    post_access = forms.ChoiceField(
        label=_("Who may start topics"),
        choices=PostAccess.choices,
        widget=forms.RadioSelect,
        initial=PostAccess.MEMBERS,
    )


class WatchForm(forms.Form):
    level = forms.ChoiceField(choices=WatchLevel.choices)


# The topic page's notification picker: a short name that fits a narrow select, and what it
# means shown under it.
WATCH_OPTIONS = (
    (WatchLevel.WATCHING, _("Watching"), _("You are told about every reply.")),
    (WatchLevel.TRACKING, _("Tracking"), _("Unread counts show; you are told about mentions.")),
    (WatchLevel.NORMAL, _("Normal"), _("You are told when someone mentions or replies to you.")),
    (WatchLevel.MUTED, _("Muted"), _("Hidden from your lists; no notifications.")),
)


class MoveForm(forms.Form):
    category = forms.ChoiceField(label=_("Move to category"))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(str(c.pk), c.name) for c in categories]


class TopicDetailsForm(MoveForm):
    title = forms.CharField(label=_("Title"), max_length=1000)
    field_order = ["title", "category"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].label = _("Category")


class MergeForm(forms.Form):
    into = IdField(
        label=_("Merge into topic number"),
        help_text=_("The number at the end of the other topic's address."),
    )


class SplitForm(forms.Form):
    title = forms.CharField(label=_("Title of the new topic"), max_length=1000)
    numbers = forms.CharField(
        label=_("Post numbers to move"),
        help_text=_("Comma-separated, e.g. 4, 5, 9"),
        max_length=2000,
    )

    def clean_numbers(self):
        try:
            numbers = [
                int(n) for n in self.cleaned_data["numbers"].replace(" ", "").split(",") if n
            ]
        except ValueError:
            raise forms.ValidationError(_("Use post numbers separated by commas.")) from None
        if not numbers:
            raise forms.ValidationError(_("Use post numbers separated by commas."))
        return numbers
