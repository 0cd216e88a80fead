"""The API's documentation page: Swagger UI served from the install, never a CDN.

django-ninja's own ``Swagger`` loads the UI from a CDN unless ``ninja`` is an installed app,
and starts it from settings printed into the page. Hearth's page takes swagger-ui-dist
from npm (``package.json``, served as ``vendor/swagger-ui``) and starts it from a static
script that reads the schema's address from a data attribute, so the page runs no
third-party origin's code and no inline script."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI


class LocalSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        context = {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", context)
