"""RSS feeds of a community's newest public topics, whole or per category, built with
Django's syndication framework. They are computed for an anonymous visitor whoever asks,
so a feed reader signed in (or a member's browser) gets exactly what the public gets."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from hearth.communities.models import Community
from hearth.discussions.models import Category
from hearth.sharing import policy, selectors
from hearth.sharing.meta import absolute


def _public_community(request) -> Community:
    """The community the middleware resolved from the URL, if it is public."""
    if not policy.is_public(request.community):
        raise Http404
    return request.community


class LatestTopicsFeed(Feed):
    def get_object(self, request, community_slug):
        return _public_community(request), None

    def title(self, obj):
        community, category = obj
        if category is not None:
            return f"{category.name} · {community.name}"
        return community.name

    def link(self, obj):
        community, category = obj
        if category is not None:
            return absolute(reverse("discussions:category", args=[community.slug, category.slug]))
        return absolute(reverse("discussions:latest", args=[community.slug]))

    def feed_url(self, obj):
        community, category = obj
        if category is not None:
            return absolute(reverse("sharing:category-feed", args=[community.slug, category.slug]))
        return absolute(reverse("sharing:latest-feed", args=[community.slug]))

    def description(self, obj):
        community, category = obj
        text = category.description if category is not None else community.tagline
        return text or _("The newest topics in %(name)s.") % {"name": community.name}

    def items(self, obj):
        community, category = obj
        return selectors.feed_topics(community, category)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.first_post_html or ""

    def item_link(self, item):
        path = reverse("discussions:topic", args=[item.community.slug, item.slug, item.pk])
        return absolute(path)

    def item_guid(self, item):
        return self.item_link(item)

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.last_posted_at

    def item_author_name(self, item):
        return item.author.name if item.author is not None else None

    def item_categories(self, item):
        return [item.category.name]


class CategoryTopicsFeed(LatestTopicsFeed):
    def get_object(self, request, community_slug, category_slug):
        community = _public_community(request)
        category = Category.objects.filter(community=community, slug=category_slug).first()
        if category is None or not policy.is_category_public(category):
            raise Http404
        return community, category
