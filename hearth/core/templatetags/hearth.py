from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ counts|get_item:key }}`` for dict lookups with a variable key."""
    if not isinstance(mapping, dict):
        return None
    return mapping.get(key)
