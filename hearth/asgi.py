"""The ASGI application ``hearth serve`` runs: Django's, plus the lifespan protocol, whose
shutdown event runs ``hearth.core.lifecycle``'s hooks (page views still in memory are
written) in each server process before it exits."""

import os

from asgiref.sync import sync_to_async
from django.core.asgi import get_asgi_application

from hearth.core.lifecycle import run_shutdown_hooks

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")

django_application = get_asgi_application()

# Imported once Django is set up. The limit sits outside Django: its handler reads the whole
# body before any middleware runs (see hearth.core.body_limit).
from hearth.core.body_limit import BodySizeLimit  # noqa: E402

limited_application = BodySizeLimit(django_application)


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await sync_to_async(run_shutdown_hooks, thread_sensitive=True)()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def application(scope, receive, send):
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
    else:
        await limited_application(scope, receive, send)
