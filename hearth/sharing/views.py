"""Pages for the world outside: robots.txt, sitemaps, share-card images, the embed and its
settings page. Everything public is decided by ``sharing.policy`` for an anonymous visitor,
never for whoever is signed in."""

from csp.constants import NONE
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from hearth.communities import policy as community_policy
from hearth.communities.views_staff import staff_nav, staff_view
from hearth.core.actor import Actor
from hearth.core.forms import add_service_errors
from hearth.sharing import cards, meta, policy, selectors, services
from hearth.sharing.forms import EmbedSettingsForm

# Listed in robots.txt; more communities than this are found through their home pages.
ROBOTS_SITEMAPS = 5000
# The account pages a search for "<site> sign in" should find, inside the disallowed /accounts/.
ROBOTS_ALLOW = ["/accounts/login/", "/accounts/signup/"]
# Pages an anonymous crawler can reach but should not crawl: per-visitor, or repeating
# public content. Pages that need a sign-in are not listed: a crawler is sent to sign in
# and sees nothing to index, and a listing would only mark them "blocked" in audits.
ROBOTS_DISALLOW = [
    "/accounts/", "/admin/", "/api/", "/search", "/c/*/search", "/c/*/similar",
    "/c/*/join", "/c/*/leave", "/c/*/feed", "/c/*/flag/", "/c/*/p/", "/c/*/embed/",
]  # fmt: skip
XML = "application/xml; charset=utf-8"


def _public_community(request):
    if not policy.is_public(request.community):
        raise Http404
    return request.community


@require_safe
def robots(request):
    anonymous = Actor.for_user(None)
    slugs = (
        community_policy.visible_communities(anonymous)
        .order_by("-member_count", "pk")
        .values_list("slug", flat=True)[:ROBOTS_SITEMAPS]
    )
    lines = [
        "User-agent: *",
        *(f"Allow: {path}" for path in ROBOTS_ALLOW),
        *(f"Disallow: {path}" for path in ROBOTS_DISALLOW),
        "",
    ]
    lines += [f"Sitemap: {meta.absolute(reverse('sharing:sitemap', args=[s]))}" for s in slugs]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def sitemap_index(request, community_slug):
    community = _public_community(request)
    return render(
        request,
        "sharing/sitemap_index.xml",
        {"pages": selectors.sitemap_pages(community)},
        content_type=XML,
    )


@require_safe
def sitemap_pages(request, community_slug):
    community = _public_community(request)
    slug = community.slug
    urls = [
        (reverse("communities:home", args=[slug]), None),
        (reverse("discussions:latest", args=[slug]), None),
        (reverse("communities:rules", args=[slug]), None),
        *(
            (reverse("discussions:category", args=[slug, c.slug]), c.last_posted_at)
            for c in selectors.sitemap_categories(community)
        ),
    ]
    return _urlset(request, urls)


@require_safe
def sitemap_topics(request, community_slug, number):
    community = _public_community(request)
    slug = community.slug
    rows = selectors.sitemap_topics(community, number)
    urls = [
        (reverse("discussions:topic", args=[slug, topic_slug, pk]), lastmod)
        for pk, topic_slug, lastmod in rows
    ]
    return _urlset(request, urls)


@require_safe
def sitemap_members(request, community_slug, number):
    community = _public_community(request)
    rows = selectors.sitemap_members(community, number)
    urls = [
        (reverse("communities:profile", args=[community.slug, username]), lastmod)
        for username, lastmod in rows
    ]
    return _urlset(request, urls)


def _urlset(request, urls):
    if not urls:
        raise Http404
    return render(
        request,
        "sharing/sitemap.xml",
        {"urls": [(meta.absolute(path), lastmod) for path, lastmod in urls]},
        content_type=XML,
    )


# Share-card images --------------------------------------------------------------------------


def _png(path) -> FileResponse:
    return FileResponse(path.open("rb"), content_type="image/png")


@require_safe
@cache_control(public=True, max_age=86400)
def community_card(request, community_slug):
    community = _public_community(request)
    return _png(cards.card_path(community, community.name, meta.site_host()))


@require_safe
@cache_control(public=True, max_age=86400)
def topic_card(request, community_slug, topic_id):
    community = _public_community(request)
    topic = selectors.public_topic(community, topic_id)
    if topic is None:
        raise Http404
    return _png(cards.card_path(community, topic.title, meta.topic_subtitle(topic)))


@require_safe
@cache_control(public=True, max_age=86400)
def profile_card(request, community_slug, username):
    community = _public_community(request)
    profile = selectors.public_profile(community, username)
    if profile is None:
        raise Http404
    return _png(cards.card_path(community, profile.user.name, meta.profile_subtitle(profile)))


# The embed ----------------------------------------------------------------------------------


def _frameable(response, community):
    """Let exactly the owner's listed sites frame this response (none until they list one):
    the global X-Frame-Options DENY is lifted and frame-ancestors names the origins."""
    response._csp_replace = {"frame-ancestors": selectors.embed_origins(community) or [NONE]}
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
@xframe_options_exempt
def embed_latest(request, community_slug):
    community = _public_community(request)
    response = render(
        request,
        "sharing/embed_latest.html",
        {"community": community, "topics": selectors.embed_topics(community)},
    )
    return _frameable(response, community)


@require_safe
@xframe_options_exempt
def embed_topic(request, community_slug, topic_id):
    community = _public_community(request)
    topic = selectors.public_topic(community, topic_id)
    if topic is None:
        raise Http404
    response = render(
        request,
        "sharing/embed_topic.html",
        {
            "community": community,
            "topic": topic,
            "replies": selectors.embed_replies(topic),
            "reply_count": selectors.public_reply_count(topic),
        },
    )
    return _frameable(response, community)


@staff_view
def embed_settings(request):
    actor, community = request.actor, request.community
    policy.ensure_manage_embed(actor)
    form = EmbedSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"origins": "\n".join(selectors.embed_origins(community))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.embed_settings_update(actor=actor, origins_text=form.cleaned_data["origins"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Embed settings saved."))
            return redirect("sharing:embed-settings", community.slug)
    slug = community.slug
    return render(
        request,
        "sharing/embed_settings.html",
        {
            "form": form,
            "is_public": policy.is_public(community),
            "latest_embed_url": meta.absolute(reverse("sharing:embed-latest", args=[slug])),
            "topic_embed_url": meta.absolute(reverse("sharing:embed-topic", args=[slug, 123])),
            "feed_url": meta.absolute(reverse("sharing:latest-feed", args=[slug])),
            "sitemap_url": meta.absolute(reverse("sharing:sitemap", args=[slug])),
            **staff_nav(request),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
