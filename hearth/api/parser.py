"""Request bodies are JSON, sent as ``application/json``: anything else is a 415."""

import json

from django.utils.translation import gettext as _
from ninja.parser import Parser

from hearth.api.errors import ApiError


class JsonOnlyParser(Parser):
    def parse_body(self, request):
        content_type = (request.content_type or "").lower()
        if content_type != "application/json" and not content_type.endswith("+json"):
            raise ApiError(415, _("Send the body as JSON, with Content-Type: application/json."))
        try:
            return json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(
                400, _("The request body is not valid JSON."), code="invalid_json"
            ) from None
