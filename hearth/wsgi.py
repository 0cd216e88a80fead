import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")

# Under WSGI the reverse proxy must cap request bodies (nginx: client_max_body_size), as
# `hearth serve` does itself over ASGI; see docs/operators/running.md.
application = get_wsgi_application()
