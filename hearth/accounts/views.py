from allauth.account import views as allauth_views
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
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
