from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from hearth.api.api import api
from hearth.sharing.views import robots

urlpatterns = [
    path("", include("hearth.core.urls")),
    path("robots.txt", robots, name="robots"),
    path("accounts/", include("hearth.accounts.urls")),
    path("accounts/privacy/", include("hearth.privacy.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("hearth.search.urls")),
    path("", include("hearth.notifications.urls")),
    path("", include("hearth.live.urls")),
    path("c/<slug:community_slug>/", include("hearth.discussions.urls")),
    path("c/<slug:community_slug>/", include("hearth.qa.urls")),
    path("c/<slug:community_slug>/", include("hearth.ideas.urls")),
    path("c/<slug:community_slug>/", include("hearth.events.urls")),
    path("c/<slug:community_slug>/", include("hearth.elections.urls")),
    path("c/<slug:community_slug>/", include("hearth.groups.urls")),
    path("c/<slug:community_slug>/", include("hearth.communities.urls")),
    path("c/<slug:community_slug>/", include("hearth.governance.urls")),
    path("c/<slug:community_slug>/", include("hearth.members.urls")),
    path("c/<slug:community_slug>/", include("hearth.conversations.urls")),
    path("c/<slug:community_slug>/", include("hearth.onboarding.urls")),
    path("c/<slug:community_slug>/", include("hearth.recognition.urls")),
    # Before analytics: its "health/<metric>/" drill-downs would take "health/benefits/"
    # and "health/customers/".
    path("c/<slug:community_slug>/", include("hearth.benefits.urls")),
    path("c/<slug:community_slug>/", include("hearth.customers.urls")),
    path("c/<slug:community_slug>/", include("hearth.analytics.urls")),
    path("c/<slug:community_slug>/", include("hearth.audience.urls")),
    path("c/<slug:community_slug>/", include("hearth.moderation.urls")),
    path("c/<slug:community_slug>/", include("hearth.trust.urls")),
    path("c/<slug:community_slug>/", include("hearth.sharing.urls")),
    path("c/<slug:community_slug>/", include("hearth.growth.urls")),
    path("c/<slug:community_slug>/", include("hearth.webhooks.urls")),
    path("c/<slug:community_slug>/", include("hearth.privacy.community_urls")),
    path("c/<slug:community_slug>/compat/", include("hearth.compat.urls")),
]
if settings.HEARTH_SERVE_MEDIA:
    # Embedded mode serves public uploads (avatars, logos) itself; at scale a proxy or object
    # storage does. Post images are not under MEDIA_ROOT: discussions serves them after a
    # permission check.
    urlpatterns.append(
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )

handler404 = "hearth.core.views.error_404"
handler403 = "hearth.core.views.error_403"
handler500 = "hearth.core.views.error_500"
# Not a Django hook: allauth answers its rate limits (sign-up, login, password reset) with it.
handler429 = "hearth.core.views.error_429"
