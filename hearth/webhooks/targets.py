"""Where a webhook may be sent: the guard against server-side request forgery.

A payload URL must be http or https, and every address its host names must be a public
one. Private, loopback, link-local (169.254.0.0/16, where cloud metadata lives), shared,
multicast, unspecified and reserved addresses, in IPv4 and IPv6, are refused unless the
operator sets HEARTH_WEBHOOKS_ALLOW_PRIVATE; the cloud metadata addresses are refused even
then. The check runs when an endpoint is saved and again at every delivery, after DNS
resolution: the sender connects to the very address it checked (see delivery.py), so a
name that resolved to a public address when saved and to 127.0.0.1 now (DNS rebinding) is
refused then."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Refused even where private targets are allowed: instance metadata services.
ALWAYS_REFUSED = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
# Not public, spelled out: Python 3.11's is_global misses some of these.
NON_PUBLIC_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32",
        "2002::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    )
)  # fmt: skip


class TargetRefused(ValueError):
    """The URL may not be a webhook target; the message says why, for the owner."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written in the URL (a name, or an address without brackets)
    port: int
    path: str  # path and query, at least "/"

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def parse(url: str) -> Target:
    """Split a payload URL, refusing what is not a plain http(s) URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise TargetRefused(_("Enter a valid URL.")) from exc
    if parts.scheme not in ("http", "https"):
        raise TargetRefused(_("Use an http:// or https:// URL."))
    if not parts.hostname:
        raise TargetRefused(_("Enter a valid URL."))
    if parts.username or parts.password:
        raise TargetRefused(_("Leave the user name and password out of the URL."))
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    default = 443 if parts.scheme == "https" else 80
    return Target(parts.scheme, parts.hostname, port or default, path)


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in ipaddress.ip_network("64:ff9b::/96") or ip in ipaddress.ip_network("::/96"):
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(ip: IPAddress) -> bool:
    embedded = _embedded_ipv4(ip)
    if embedded is not None and int(embedded) != 0:
        return is_public(embedded)
    if any(ip in net for net in NON_PUBLIC_NETWORKS if net.version == ip.version):
        return False
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
        or ip.is_reserved or ip.is_unspecified
    )  # fmt: skip


def check_address(ip: IPAddress, *, allow_private: bool | None = None) -> None:
    """Raise TargetRefused unless a webhook may be sent to ``ip``."""
    if allow_private is None:
        allow_private = settings.HEARTH_WEBHOOKS_ALLOW_PRIVATE
    embedded = _embedded_ipv4(ip)
    if ip in ALWAYS_REFUSED or (embedded is not None and embedded in ALWAYS_REFUSED):
        raise TargetRefused(_("Webhooks cannot be sent to a cloud metadata address."))
    if is_public(ip):
        return
    usable = embedded or ip
    if allow_private and not (usable.is_multicast or usable.is_unspecified):
        return
    raise TargetRefused(
        _(
            "Webhooks cannot be sent to %(address)s: it is a private, loopback, link-local or "
            "reserved address. Use a public address."
        )
        % {"address": ip}
    )


def resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses ``host`` names now (itself, if it is an address)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise TargetRefused(_("The name %(host)s could not be resolved.") % {"host": host}) from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise TargetRefused(_("The name %(host)s could not be resolved.") % {"host": host})
    return addresses


def checked_addresses(target: Target) -> list[IPAddress]:
    """Resolve the target's host and check every address it names (all must pass: a name
    with one private address among public ones is refused)."""
    addresses = resolve(target.host, target.port)
    for ip in addresses:
        check_address(ip)
    return addresses


def check_url(url: str) -> Target:
    """Parse and check a payload URL as it is saved."""
    target = parse(url)
    checked_addresses(target)
    return target
