"""Site origins an owner lets frame the community's embed. They are written verbatim into a
Content-Security-Policy header, so only a plain ``scheme://host[:port]`` passes: no paths,
wildcards, credentials, spaces, quotes, commas or semicolons."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hearth.sharing.models import MAX_EMBED_ORIGINS

_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_HOSTNAME = re.compile(rf"^{_LABEL}(\.{_LABEL})*$")
_IPV4 = re.compile(r"^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$")
DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_origin(text: str) -> str:
    """``text`` as a lower-case origin without a default port, or ValidationError."""
    value = text.strip()
    invalid = ValidationError(
        _("“%(value)s” is not a site address like https://blog.example.org."),
        params={"value": value[:100]},
    )
    if not value or len(value) > 255 or not value.isascii() or re.search(r"[\s'\";,*\\]", value):
        raise invalid
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise invalid from exc
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if (
        scheme not in DEFAULT_PORTS
        or parts.username is not None
        or parts.password is not None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or "?" in value
        or "#" in value
        or not (_HOSTNAME.match(host) or _IPV4.match(host))
        or port == 0
    ):
        raise invalid
    suffix = f":{port}" if port is not None and port != DEFAULT_PORTS[scheme] else ""
    return f"{scheme}://{host}{suffix}"


def parse_origins(text: str) -> list[str]:
    """One origin per line (blank lines ignored), normalised and de-duplicated in order."""
    origins: list[str] = []
    errors: list[ValidationError] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            origin = normalize_origin(line)
        except ValidationError as exc:
            errors.append(exc)
            continue
        if origin not in origins:
            origins.append(origin)
    if errors:
        raise ValidationError(errors)
    if len(origins) > MAX_EMBED_ORIGINS:
        raise ValidationError(
            _("List at most %(n)d sites.") % {"n": MAX_EMBED_ORIGINS}, code="too_many"
        )
    return origins
