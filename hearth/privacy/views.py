from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hearth.communities.views_staff import staff_view
from hearth.core.forms import add_service_errors
from hearth.core.uploads import private_file_response
from hearth.privacy import erasure, policy, selectors, services
from hearth.privacy.forms import DeleteAccountForm, PrivacySettingsForm
from hearth.privacy.models import EXPORT_LIFETIME


@login_required
def home(request):
    """Account settings → Your data: the latest export and the way to delete the account."""
    return render(
        request,
        "privacy/home.html",
        {
            "export": selectors.latest_export(request.user),
            "export_days": EXPORT_LIFETIME.days,
        },
    )


@require_POST
@login_required
def export_request(request):
    result = services.export_request(user=request.user)
    if result.created:
        messages.success(
            request,
            _("We are preparing your data. We will email you when it is ready to download."),
        )
    else:
        messages.info(
            request,
            _("Your data is already being prepared. We will email you when it is ready."),
        )
    return redirect("privacy:home")


@login_required
def export_download(request, export_id: int):
    item = selectors.export_for_owner(request.user, export_id)
    response = private_file_response(item.file)
    response["Content-Disposition"] = f'attachment; filename="{item.filename}"'
    return response


def account_delete(request):
    """The explanation, the re-authentication and the deletion itself. A second request
    (a double submit after the first signed the member out) gets a clear page."""
    if not request.user.is_authenticated:
        if request.method == "POST":
            return render(request, "privacy/account_deleted.html", {"repeat": True})
        return redirect(f"{_login_url()}?next={request.path}")
    user = request.user
    denial = policy.delete_account_denial(user)
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and denial is None and form.is_valid():
        try:
            erasure.account_delete(user=user)
        except erasure.AccountAlreadyDeleted:
            logout(request)
            return render(request, "privacy/account_deleted.html", {"repeat": True})
        except PermissionDenied as exc:
            denial = str(exc)
        else:
            logout(request)
            return redirect("privacy:account-deleted")
    return render(
        request,
        "privacy/account_delete.html",
        {
            "form": form,
            "denial": denial,
            "sole_owner_of": policy.communities_solely_owned(user) if denial else [],
        },
        status=403 if denial and request.method == "POST" else 200,
    )


def account_deleted(request):
    return render(request, "privacy/account_deleted.html", {"repeat": False})


def _login_url() -> str:
    from django.urls import reverse

    return reverse("account_login")


@staff_view
def community_settings(request):
    """The community's choice for deleted members' posts and messages. Shown on the
    community settings page; a POST lands here and goes back there."""
    policy.ensure_manage_privacy_settings(request.actor)
    current = selectors.privacy_settings(request.community)
    form = PrivacySettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "deleted_posts": current.deleted_posts,
            "deleted_messages": current.deleted_messages,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.privacy_settings_update(actor=request.actor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Privacy settings saved."))
            return redirect("communities:manage-settings", request.community.slug)
    from hearth.communities.views_staff import staff_nav

    return render(
        request,
        "privacy/community_settings.html",
        {"privacy_form": form, **staff_nav(request)},
        status=400 if request.method == "POST" else 200,
    )


def privacy_form_for(community) -> PrivacySettingsForm:
    """The unbound form the community settings page shows."""
    current = selectors.privacy_settings(community)
    return PrivacySettingsForm(
        initial={
            "deleted_posts": current.deleted_posts,
            "deleted_messages": current.deleted_messages,
        }
    )
