from django import forms
from django.utils.translation import gettext_lazy as _

from hearth.notifications.models import Channel, DigestFrequency, Kind


class _ChannelsForm(forms.Form):
    """One choice of channel per kind; a value outside the choices is refused."""

    def __init__(self, *args, initial_channels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[f"kind_{kind.value}"] = forms.ChoiceField(
                label=kind.label, choices=Channel.choices, initial=initial_channels[kind.value]
            )

    @property
    def kind_fields(self):
        return [self[f"kind_{kind.value}"] for kind in Kind]

    def channels(self) -> dict[str, str]:
        return {kind.value: self.cleaned_data[f"kind_{kind.value}"] for kind in Kind}


class PreferencesForm(_ChannelsForm):
    digest = forms.ChoiceField(label=_("Digest email"), choices=DigestFrequency.choices)


class CommunityDefaultsForm(_ChannelsForm):
    pass
