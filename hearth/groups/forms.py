from django import forms
from django.utils.translation import gettext_lazy as _

from hearth.groups.models import GroupRole, JoinPolicy, Visibility


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    slug = forms.SlugField(
        label=_("URL slug"), max_length=60, required=False,
        help_text=_("Left empty, it is made from the name."),
    )  # fmt: skip
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}), help_text=_("Markdown is welcome."),
    )  # fmt: skip
    visibility = forms.ChoiceField(
        label=_("Who may see it"), choices=Visibility.choices, widget=forms.RadioSelect,
        initial=Visibility.PUBLIC,
    )  # fmt: skip
    join_policy = forms.ChoiceField(
        label=_("How members join"), choices=JoinPolicy.choices, widget=forms.RadioSelect,
        initial=JoinPolicy.OPEN,
    )  # fmt: skip
    cover = forms.ImageField(label=_("Cover image"), required=False)


class InviteForm(forms.Form):
    username = forms.CharField(label=_("Invite a member (username)"), max_length=150)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=GroupRole.choices)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Category name"), max_length=60)


class GroupSettingsForm(forms.Form):
    create_trust_level = forms.TypedChoiceField(
        label=_("Besides staff, who may create groups"),
        coerce=int, empty_value=None, required=False,
        choices=[("", _("Nobody: staff only"))]
        + [(str(n), _("Members from trust level %(n)s") % {"n": n}) for n in range(5)],
    )  # fmt: skip
