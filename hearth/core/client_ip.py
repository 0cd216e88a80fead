"""The client's address, as every rate limit and counter sees it.

The socket address (``REMOTE_ADDR``), unless that is one of the proxies the operator
trusts (``HEARTH_TRUSTED_PROXIES``). Anyone can send ``X-Forwarded-For``, so it is read
only from a trusted proxy, and then from the right: each trusted proxy appends the address
it saw, so the first address from the right that is not a trusted proxy is the client, and
whatever the client wrote further left is ignored. This is uvicorn's rule too (``hearth
serve`` gives it the same list), so applying it again to an address uvicorn already
resolved changes nothing; under WSGI this is the only place it is applied.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_ip(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request) -> str:
    """The address of the client that sent this request (see the module docstring)."""
    address = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.HEARTH_TRUSTED_PROXIES))
    if not networks or not _is_trusted(address, networks):
        return address
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            # A proxy that appends what it saw only ever writes an address; anything else
            # means the header was not the proxy's, so keep the proxy's own address.
            return hop if _is_ip(hop) else address
    return hops[0] if hops else address
