"""The app's URLs plus ``/__floor__``: the framework floor the pages are compared with."""

from django.urls import path

from bench.views import floor
from hearth.urls import handler403, handler404, handler500  # noqa: F401
from hearth.urls import urlpatterns as hearth_urlpatterns

urlpatterns = [path("__floor__", floor, name="bench-floor"), *hearth_urlpatterns]
