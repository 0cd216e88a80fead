from django import forms
from django.utils.translation import gettext_lazy as _

from hearth.elections.models import Method

TRUST_CHOICES = [(n, _("Trust level %(n)s and up") % {"n": n}) for n in range(5)]


class ElectionForm(forms.Form):
    """Numbers are checked by the service (its messages show next to the fields); the form
    only reads them, so a 0 or a negative number gets the service's clear message."""

    title = forms.CharField(label=_("Title"), max_length=120,
                            initial=_("Moderator election"))  # fmt: skip
    description = forms.CharField(
        label=_("What the moderators do"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown works here. Shown at the top of the election."),
    )  # fmt: skip
    seats = forms.IntegerField(label=_("Seats"), initial=2, min_value=-(10**6),
                               max_value=10**6)  # fmt: skip
    term_days = forms.IntegerField(
        label=_("Term (days)"), initial=180, min_value=-(10**6), max_value=10**6,
        help_text=_("The winners are moderators for this long, then members again unless "
                    "re-elected."),
    )  # fmt: skip
    method = forms.ChoiceField(label=_("Ballots"), choices=Method.choices,
                               widget=forms.RadioSelect, initial=Method.APPROVAL)  # fmt: skip
    nomination_days = forms.IntegerField(label=_("Nominations (days)"), initial=7,
                                         min_value=-(10**6), max_value=10**6)  # fmt: skip
    voting_days = forms.IntegerField(label=_("Voting (days)"), initial=7,
                                     min_value=-(10**6), max_value=10**6)  # fmt: skip
    voter_min_trust_level = forms.TypedChoiceField(
        label=_("Who votes and nominates"), choices=TRUST_CHOICES, coerce=int, initial=1
    )
    voter_min_member_days = forms.IntegerField(
        label=_("Voters' membership (days)"), initial=30, min_value=-(10**6), max_value=10**6,
        help_text=_("Members for at least this long when voting opens."),
    )  # fmt: skip
    candidate_min_trust_level = forms.TypedChoiceField(
        label=_("Who can stand"), choices=TRUST_CHOICES, coerce=int, initial=2
    )
    candidate_min_member_days = forms.IntegerField(
        label=_("Candidates' membership (days)"), initial=60, min_value=-(10**6),
        max_value=10**6,
    )  # fmt: skip
    recall_percent = forms.IntegerField(
        label=_("Signatures for a recall vote (%)"), initial=20, min_value=-(10**6),
        max_value=10**6,
        help_text=_("The share of eligible members whose signatures open a vote to recall "
                    "an elected moderator."),
    )  # fmt: skip


class NominateForm(forms.Form):
    username = forms.CharField(
        label=_("Member's username"), max_length=150,
        help_text=_("Your own to stand yourself. Someone else must accept."),
    )  # fmt: skip


class StatementForm(forms.Form):
    statement = forms.CharField(
        label=_("Your statement"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Why members should choose you. Markdown works here."),
    )  # fmt: skip


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Extend nominations by (days)"), initial=7,
                              min_value=-(10**6), max_value=10**6)  # fmt: skip


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (for the staff log)"), required=False,
                             max_length=2000)  # fmt: skip


class RecallForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should this moderator be recalled?"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Members see this when they decide whether to sign."),
    )  # fmt: skip


def ranked_choices(post, candidate_ids: list[int]) -> tuple[list[int], str | None]:
    """A ranked ballot from ``rank-<id>`` selects: the candidates in rank order, or an
    error when a rank is given twice or is not a number of the ballot."""
    ranks: dict[int, int] = {}
    for candidate_id in candidate_ids:
        raw = (post.get(f"rank-{candidate_id}") or "").strip()
        if not raw:
            continue
        if not raw.isdigit() or not 1 <= int(raw) <= len(candidate_ids):
            return [], str(_("Choose a rank from the list for each candidate you rank."))
        ranks[candidate_id] = int(raw)
    if len(set(ranks.values())) != len(ranks):
        return [], str(_("Give each rank to one candidate only."))
    return sorted(ranks, key=ranks.get), None
