from allauth.account import views as allauth_views
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from hearth.accounts import services
from hearth.accounts.forms import ProfileForm
from hearth.core.forms import add_service_errors


@login_required
def profile_edit(request):
    user = request.user
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"display_name": user.display_name, "bio": user.bio, "time_zone": user.time_zone},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile-edit")
    return render(request, "accounts/profile_edit.html", {"form": form})


class LoginView(allauth_views.LoginView):
    """allauth's login page, answering 429 with ``Retry-After`` when a failed-login limit
    refused the attempt (hearth.accounts.login_limits), not 200 with the form."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        retry_after = getattr(self.request, "login_retry_after", None)
        if retry_after is not None:
            response.status_code = 429
            response["Retry-After"] = str(retry_after)
        return response


def admin_login(request, extra_context=None):
    """The Django admin's login (``admin.site.login``): the site's own login page, so the
    admin gets the same failed-login limits, alarm and 429 as every other sign-in; the admin
    form itself takes no passwords. Signed in without admin access: 403, not a loop back to
    the login page."""
    admin_index = reverse("admin:index")
    target = request.GET.get("next") or request.POST.get("next") or admin_index
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = admin_index
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(target)
        raise PermissionDenied(_("Your account cannot use the admin site."))
    return redirect_to_login(target, reverse("account_login"))
