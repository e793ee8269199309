"""`liaison-server serve`: one process, or N worker processes with a listening socket each.

uvicorn's own ``--workers`` shares one listening socket: whichever worker wakes first accepts a
burst of keep-alive connections, and in bench/server.py one worker often held 35 to 50 of the 50
officers at 100 % of a core while the other idled. Here every worker gets its own socket bound
with SO_REUSEPORT, so the kernel spreads connections over the workers by a hash of their
addresses. The parent keeps the sockets open and restarts a worker that dies, so connections
queued on a dead worker's socket are served by its replacement.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from typing import Any

from liaison_app.errors import InputError
from liaison_app.server import logs

log = logging.getLogger("liaison.server")


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _probe(host: str, port: int) -> None:
    """Refuse a port in use: with SO_REUSEPORT alone a second server would silently share it."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise InputError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc


def _listening_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(_family(host), socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _worker(url: str, sock: socket.socket, options: dict[str, Any], supervisor: int) -> None:
    """One worker process: its own engine and app, serving on its own socket."""
    import uvicorn

    from liaison_app.server.app import create_app
    from liaison_app.server.db import make_engine

    logs.configure(options["log_level"])
    _exit_with(supervisor)
    config = uvicorn.Config(create_app(make_engine(url)), **options)
    uvicorn.Server(config).run(sockets=[sock])


def _exit_with(supervisor: int) -> None:
    """A worker whose supervisor is gone (killed with SIGKILL, say) stops too, gracefully:
    left running it would keep the port and answer for a server nobody manages. The
    supervisor's pid comes from the supervisor, so a worker orphaned before it got here
    notices as well."""

    def watch() -> None:
        while os.getppid() == supervisor:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def serve(
    url: str,
    host: str,
    port: int,
    workers: int = 1,
    tls_cert: str | None = None,
    tls_key: str | None = None,
    log_level: str = "info",
) -> None:
    """Serve until SIGINT or SIGTERM; with workers > 1, supervise that many processes."""
    import uvicorn

    from liaison_app.server.http_head import BoundedHttpToolsProtocol

    # Our JSON lines (logs.py) replace uvicorn's logging setup and its access log; the request
    # head is bounded (http_head.py) as bodies are (limits.py).
    options: dict[str, Any] = {
        "http": BoundedHttpToolsProtocol,
        "ssl_certfile": tls_cert,
        "ssl_keyfile": tls_key,
        "log_level": log_level,
        "log_config": None,
        "access_log": False,
    }
    if workers < 1:
        raise InputError("--workers must be at least 1")
    _probe(host, port)
    logs.configure(log_level)
    scheme = "https" if tls_cert else "http"
    if workers == 1:
        from liaison_app.server.app import create_app
        from liaison_app.server.db import make_engine

        logs.event(log, "serving", url=f"{scheme}://{host}:{port}", workers=1)
        uvicorn.run(create_app(make_engine(url)), host=host, port=port, **options)
        return
    sockets = [_listening_socket(host, port) for _ in range(workers)]
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()
    procs: list[Any] = [None] * workers
    started = [0.0] * workers
    quick_exits = [0] * workers  # in a row: a worker that cannot start is retried ever slower

    def start(i: int) -> None:
        proc = context.Process(
            target=_worker,
            args=(url, sockets[i], options, os.getpid()),
            name=f"liaison-server-{i + 1}",
        )
        proc.start()
        procs[i], started[i] = proc, time.monotonic()

    def on_signal(_signum: int, _frame: Any) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for i in range(workers):
            start(i)
        logs.event(log, "serving", url=f"{scheme}://{host}:{port}", workers=workers)
        while not stop.wait(0.5):
            for i, proc in enumerate(procs):
                if proc.is_alive():
                    continue
                lived = time.monotonic() - started[i]
                if lived < 2.0 ** min(quick_exits[i], 5):  # 1, 2, 4 … 32 s between tries
                    continue
                quick_exits[i] = quick_exits[i] + 1 if lived < 60 else 0
                log.warning(
                    "worker restarted",
                    extra={"fields": {"worker": i + 1, "exit_code": proc.exitcode}},
                )
                start(i)
        logs.event(log, "stopping", workers=workers)
    finally:
        for proc in procs:
            if proc is not None and proc.is_alive():
                proc.terminate()  # uvicorn finishes the requests in flight, then exits
        for proc in procs:
            if proc is not None:
                proc.join(timeout=15)
                if proc.is_alive():
                    proc.kill()
        for sock in sockets:
            sock.close()
        for s, handler in previous.items():
            signal.signal(s, handler)
