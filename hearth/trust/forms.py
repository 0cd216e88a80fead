from django import forms
from django.utils.translation import gettext_lazy as _

from hearth.trust.levels import SIMPLE_KEYS
from hearth.trust.models import LEVEL_NAMES, TrustSettings

GROUPS = (
    (_("Level 1 (basic): over their whole time here"), "tl1_"),
    (_("Level 2 (member): over their whole time here"), "tl2_"),
    (_("Level 3 (regular): over the window, kept only while met"), "tl3_"),
    (_("New members (level 0): per post"), "new_"),
)


class TrustSettingsForm(forms.ModelForm):
    class Meta:
        model = TrustSettings
        fields = [
            f.name
            for f in TrustSettings._meta.get_fields()
            if f.name not in ("community", "updated_at")
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField):
                field.widget.attrs.setdefault("inputmode", "numeric")

    def groups(self):
        """The fields under their level's heading, for the template."""
        return [
            (title, [self[name] for name in self.fields if name.startswith(prefix)])
            for title, prefix in GROUPS
        ]

    def clean(self):
        data = super().clean()
        for key in SIMPLE_KEYS:
            one, two = data.get(f"tl1_{key}"), data.get(f"tl2_{key}")
            if one is not None and two is not None and two < one:
                self.add_error(
                    f"tl2_{key}", _("Level 2 cannot need less than level 1 (%(n)s).") % {"n": one}
                )
        return data


class TrustLevelForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Trust level"),
        coerce=int,
        choices=[(n, f"{n} · {name}") for n, name in LEVEL_NAMES.items()],
    )
    locked = forms.BooleanField(
        label=_("Lock this level (automatic promotion and demotion leave it alone)"),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason (for the staff log)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
