from django import forms
from django.utils.translation import gettext_lazy as _

from hearth.audience.recording import MAX_SOURCE_CHARS


class CampaignLinkForm(forms.Form):
    source = forms.CharField(
        label=_("Source"),
        max_length=MAX_SOURCE_CHARS,
        help_text=_("Where you share the link: instagram, newsletter, discord…"),
    )
    campaign = forms.CharField(
        label=_("Campaign"),
        max_length=MAX_SOURCE_CHARS,
        required=False,
        help_text=_("Optional: tell campaigns on one source apart (spring-launch)."),
    )


class BulkInviteForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("One email per row, optionally a name; a header row “email,name” helps."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )
    campaign = forms.CharField(
        label=_("Campaign"),
        max_length=MAX_SOURCE_CHARS,
        required=False,
        help_text=_("Optional: name this mailing to compare it with others in the funnel."),
    )
    message = forms.CharField(
        label=_("Personal message"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
