"""uvicorn's HTTP protocol with ``TCP_NODELAY`` on every accepted connection.

With ``--workers N`` uvicorn binds the listening socket itself as ``socket(family)``,
without ``IPPROTO_TCP``; asyncio only sets ``TCP_NODELAY`` on accepted sockets whose
protocol is ``IPPROTO_TCP``, so each keep-alive response after the first waits ~40 ms for
the client's delayed ACK (Nagle). Setting the option when the connection is made fixes it
for one worker and many alike (Kludex/uvicorn#3149).
"""

from __future__ import annotations

import contextlib
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


def set_nodelay(transport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):  # the client already went away
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport) -> None:  # type: ignore[override]
        set_nodelay(transport)
        super().connection_made(transport)
