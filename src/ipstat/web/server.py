"""The portal run by uvicorn until Ctrl-C. The socket is bound here first, so that a port in
use is a Vietnamese error rather than uvicorn's English log."""

import socket
from collections.abc import Callable

import uvicorn

from ipstat.base.errors import InputError, os_error_text
from ipstat.commands.intake import Desk
from ipstat.web.app import create_app
from ipstat.web.state import Settings


def serve(
    desk: Desk,
    host: str,
    port: int,
    settings: Settings | None = None,
    started: Callable[[int], None] | None = None,
) -> None:
    """Serve until interrupted; `started` hears the port once the socket is bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise InputError(
            f"Không mở được cổng {port} trên địa chỉ {host}: {os_error_text(exc)}. Hãy chọn "
            "cổng khác bằng --port, hoặc dừng chương trình đang dùng cổng này."
        ) from exc
    app = create_app(desk, settings)
    config = uvicorn.Config(
        app,
        log_level="error",  # uvicorn speaks English: only what must be seen
        access_log=False,
        server_header=False,
        lifespan="off",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    if started is not None:
        started(sock.getsockname()[1])
    server.run(sockets=[sock])
