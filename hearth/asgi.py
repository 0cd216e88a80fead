import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")

django_application = get_asgi_application()

# Imported once Django is set up. The limit sits outside Django: its handler reads the whole
# body before any middleware runs (see hearth.core.body_limit).
from hearth.core.body_limit import BodySizeLimit  # noqa: E402

application = BodySizeLimit(django_application)
