import re

from django import forms
from django.utils.translation import gettext_lazy as _

from hearth.communities.models import MAX_JOIN_QUESTIONS, JoinPolicy, Role, Visibility

IMAGE_ACCEPT = "image/png,image/jpeg,image/gif,image/webp"

# The wizard's Rules box starts with these, in the format the rules pages show (Markdown: a
# line of welcome, a numbered list with a bold lead per rule, then what staff do about it).
STARTER_RULES = _(
    """Welcome! These rules keep this a place people want to come back to.

1. **Be kind.** Disagree with ideas, never attack people.
2. **Stay on topic.** Post in the category that fits, and search before you ask.
3. **No spam or self-promotion** unless you asked the staff first.
4. **Respect privacy.** Don't share anyone's personal information or private messages.
5. **Follow the staff's guidance.** If you see a problem, flag it rather than argue.

Staff may edit or remove posts, and remove members, that break these rules."""
)


_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


class ColorInput(forms.TextInput):
    """``<input type=color>``: it always holds a colour, so ``required`` and ``maxlength``
    (which a CharField adds) do not apply to it, and the HTML checker refuses both."""

    input_type = "color"

    def use_required_attribute(self, initial) -> bool:
        return False

    def format_value(self, value):
        # Only a valid colour may be its value: a refused "blue" is not shown back in it.
        value = super().format_value(value)
        return value if value and _HEX_COLOUR.fullmatch(value) else None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for attr in ("maxlength", "minlength"):
            context["widget"]["attrs"].pop(attr, None)
        return context


class _CommunityFieldsForm(forms.Form):
    """Fields shared by the wizard and the settings page; the services validate them."""

    name = forms.CharField(label=_("Name"), max_length=80)
    tagline = forms.CharField(
        label=_("Tagline"),
        max_length=160,
        required=False,
        help_text=_("One line that tells people what the community is about."),
    )
    accent_color = forms.CharField(
        label=_("Accent colour"),
        max_length=7,
        initial="#2f6f4e",
        widget=ColorInput,
        help_text=_("Used for buttons and links; text on it is chosen for contrast."),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("Square works best. PNG, JPEG, GIF or WebP, up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
    )
    join_policy = forms.ChoiceField(
        label=_("How people join"),
        choices=JoinPolicy.choices,
        initial=JoinPolicy.OPEN,
        widget=forms.RadioSelect,
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, MAX_JOIN_QUESTIONS + 1):
            self.fields[f"join_question_{i}"] = forms.CharField(
                label=_("Join question %(n)s") % {"n": i}, max_length=200, required=False
            )

    @property
    def join_question_fields(self):
        return [self[f"join_question_{i}"] for i in range(1, MAX_JOIN_QUESTIONS + 1)]

    def join_questions(self) -> list[str]:
        return [
            self.cleaned_data.get(f"join_question_{i}", "")
            for i in range(1, MAX_JOIN_QUESTIONS + 1)
        ]

    def common_data(self) -> dict:
        data = {
            k: self.cleaned_data[k]
            for k in ("name", "tagline", "accent_color", "join_policy", "visibility")
        }
        data["join_questions"] = self.join_questions()
        data["logo"] = self.cleaned_data.get("logo")
        return data


class CommunityCreateForm(_CommunityFieldsForm):
    slug = forms.CharField(
        label=_("URL slug"),
        max_length=48,
        help_text=_("Lowercase letters, digits and hyphens. Your community lives at /c/<slug>/."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    rules = forms.CharField(
        label=_("Rules"),
        max_length=20000,
        initial=STARTER_RULES,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Markdown. A starting set to make your own: members accept these to join, and "
            "you can change them later."
        ),
    )
    field_order = [
        "name",
        "slug",
        "tagline",
        "accent_color",
        "logo",
        "rules",
        "join_policy",
        "visibility",
    ]


class CommunitySettingsForm(_CommunityFieldsForm):
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)


class RulesForm(forms.Form):
    rules = forms.CharField(
        label=_("Rules"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Markdown. Saving a change publishes a new version that members must accept."),
    )


class JoinForm(forms.Form):
    accept_rules = forms.BooleanField(
        label=_("I have read the rules and agree to follow them"), required=False
    )
    invite_code = forms.CharField(label=_("Invite code"), max_length=32, required=False)
    source = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    campaign = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for i, question in enumerate(self.questions):
            self.fields[f"answer_{i}"] = forms.CharField(
                label=question.text,
                max_length=1000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @property
    def answer_fields(self):
        return [self[f"answer_{i}"] for i in range(len(self.questions))]

    def answers(self) -> list[str]:
        return [self.cleaned_data.get(f"answer_{i}", "") for i in range(len(self.questions))]


class BanForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the member)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    banned_until = forms.DateTimeField(
        label=_("Until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "A date and time in your time zone, when the ban ends by itself. Leave empty for "
            "a ban that lasts until lifted."
        ),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class InviteForm(forms.Form):
    source = forms.CharField(
        label=_("Source or campaign"),
        max_length=100,
        required=False,
        help_text=_("Where you will share this link, e.g. newsletter or instagram."),
    )
    max_uses = forms.IntegerField(
        label=_("Maximum uses"), required=False, min_value=1, max_value=100000
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"), required=False, min_value=1, max_value=365
    )
