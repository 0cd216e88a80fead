from django.conf import settings


def hearth(request):
    return {
        "community": getattr(request, "community", None),
        "actor": getattr(request, "actor", None),
        "site_url": settings.SITE_URL,
    }
