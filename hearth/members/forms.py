from django import forms
from django.utils.translation import gettext_lazy as _

from hearth.members.models import (
    MAX_INTERESTS_PER_MEMBER,
    MAX_LINKS,
    ProfileQuestion,
    QuestionKind,
)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class MemberProfileForm(forms.Form):
    """The member's profile in one community, with a field per profile question
    (``question_<id>``). Type checks on answers are the service's; the form only shapes
    the input (a list for multi-choice)."""

    bio = forms.CharField(
        label=_("Bio in this community"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown. Leave empty to show the bio from your account."),
    )
    location = forms.CharField(label=_("Location"), required=False, max_length=80)
    interests = forms.CharField(
        label=_("Your own interests"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Comma-separated, besides the ones ticked above."),
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One web address per line (https://…), up to %(n)d.") % {"n": MAX_LINKS},
    )
    hide_from_non_members = forms.BooleanField(
        label=_("Hide my profile from people who are not members"), required=False
    )
    hide_from_directory = forms.BooleanField(
        label=_("Hide me from the member directory, @-mention suggestions and “members like you”"),
        required=False,
    )
    anonymous_in_analytics = forms.BooleanField(
        label=_("Don't show my name in the staff's picture of who talks with whom"),
        help_text=_("You still count in the community's figures, as an anonymous dot."),
        required=False,
    )

    def __init__(self, *args, questions: list[ProfileQuestion], suggested: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.fields["suggested_interests"] = forms.MultipleChoiceField(
            label=_("Interests"),
            required=False,
            choices=[(i.name, i.name) for i in suggested],
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Pick up to %(n)d in all.") % {"n": MAX_INTERESTS_PER_MEMBER},
        )
        for question in questions:
            name = f"question_{question.pk}"
            label = question.text
            help_text = "" if question.is_public else _("Only staff see your answer.")
            if question.kind == QuestionKind.TEXT:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 2}), max_length=500, strip=True
                )
            elif question.kind == QuestionKind.CHOICE:
                # A free ChoiceField: unknown choices are refused by the service with its
                # own message, the same one the API would give.
                field = forms.CharField(
                    widget=forms.Select(choices=[("", "—"), *[(c, c) for c in question.choices]])
                )
            else:
                field = forms.MultipleChoiceField(
                    choices=[(c, c) for c in question.choices],
                    widget=forms.CheckboxSelectMultiple,
                )
            field.label, field.help_text, field.required = label, help_text, False
            field.is_required_question = question.is_required
            self.fields[name] = field

    @property
    def question_fields(self):
        return [self[f"question_{q.pk}"] for q in self.questions]

    def cleaned_interests(self) -> list[str]:
        picked = list(self.cleaned_data.get("suggested_interests") or [])
        own = [part.strip() for part in (self.cleaned_data.get("interests") or "").split(",")]
        return picked + [part for part in own if part]

    def cleaned_links(self) -> list[str]:
        return _lines(self.cleaned_data.get("links", ""))

    def cleaned_answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(f"question_{q.pk}") for q in self.questions}


class ProfileQuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=200)
    kind = forms.ChoiceField(label=_("Answer type"), choices=QuestionKind.choices)
    choices = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, for choice questions."),
    )
    is_required = forms.BooleanField(label=_("Members must answer"), required=False)
    is_public = forms.BooleanField(
        label=_("Public (otherwise only staff see the answers)"), required=False, initial=True
    )
    position = forms.IntegerField(label=_("Position"), required=False, min_value=0, max_value=1000)

    def question_fields(self) -> dict:
        """The cleaned question as ``services.profile_question_save`` takes it."""
        data = self.cleaned_data
        return {
            "text": data["text"],
            "kind": data["kind"],
            "choices": _lines(data.get("choices", "")),
            "is_required": data["is_required"],
            "is_public": data["is_public"],
            "position": data["position"],
        }


class InterestListForm(forms.Form):
    interests = forms.CharField(
        label=_("Suggested interests"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One per line. Members pick from these and may add their own. Removing one here "
            "keeps it on the profiles of members who chose it."
        ),
    )

    def cleaned_names(self) -> list[str]:
        return _lines(self.cleaned_data.get("interests", ""))
