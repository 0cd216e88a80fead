from django import template

from hearth.discussions import fragments

register = template.Library()


@register.simple_tag(takes_context=True)
def topic_rows(context, topics, show_category=False):
    """The rows of a topic list, each kept as HTML while what it shows holds
    (``fragments.topic_rows``)."""
    return fragments.topic_rows(topics, context.get("community"), show_category=bool(show_category))
