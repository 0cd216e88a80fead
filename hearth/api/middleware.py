"""What the API answers outside its operations, in the API's one error shape.

Django answers some requests before or around ninja: a path no operation has (the URL
resolver's 404 page), a method an operation does not take (405), a CSRF failure (403), a
body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` read by a middleware (400). Under ``/api/`` those
become ``{"error": {...}}`` JSON like every other error."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hearth.api.errors import CODES, error_response

API_PREFIX = "/api/"

_MESSAGES = {
    400: lambda: _("The request is not valid."),
    403: lambda: _("You may not do that."),
    404: lambda: _("Not found."),
    405: lambda: _("This method is not allowed here."),
    413: lambda: _("The request is too large."),
}


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


class ApiErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_api(request) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        status = response.status_code
        message = _MESSAGES.get(status, lambda: _("The request failed."))()
        headers = {}
        if status == 405 and response.has_header("Allow"):
            headers["Allow"] = response["Allow"]
        if status >= 500:
            return response  # a bug or an outage: not dressed up as a client error
        return error_response(status, message, code=CODES.get(status), headers=headers)
