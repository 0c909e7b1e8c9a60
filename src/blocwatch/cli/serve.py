"""``blocwatch serve``: the read-only dashboard and JSON API (:mod:`blocwatch.web`) over the
event store, served by uvicorn.  Binds to loopback unless told otherwise, and warns when the
address can be reached from other machines (the dashboard has no authentication)."""

from __future__ import annotations

import ipaddress
import socket
from typing import Annotated

import typer

from blocwatch.cli.common import app, fail
from blocwatch.errors import BlocwatchError

LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


def exposure_warning(host: str) -> str | None:
    """The warning to print when ``host`` is not a loopback address, else None."""
    name = host.strip("[]")
    if name.lower() in LOOPBACK_NAMES:
        return None
    try:
        if ipaddress.ip_address(name).is_loopback:
            return None
    except ValueError:
        pass
    return (f"warning: listening on {host}, which other machines may reach; the dashboard "
            "has no authentication: use --host 127.0.0.1 unless you mean it")


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (IPv4 or IPv6), or a usage error saying why not."""
    name = host.strip("[]")
    try:
        infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as err:
        fail(f"--host {host!r}: cannot resolve it ({err.strerror}): give an address such "
              "as 127.0.0.1", 2)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as err:
        sock.close()
        fail(f"cannot listen on {host}:{port} ({err.strerror}): choose another --port or "
              "stop what uses it", 2)
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


@app.command()
def serve(
    db: Annotated[str | None, typer.Option(
        "--db", help="Database URL: sqlite:///FILE or postgresql://USER@HOST:PORT/DB "
                     "(default: BLOCWATCH_DATABASE, else sqlite:///blocwatch.db).")] = None,
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")
                    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    warm: Annotated[bool, typer.Option(
        help="Keep the overview, network and alerts pages computed ahead (at start and "
             "after each write to the database), so that visitors do not wait for them.")
                    ] = True,
    refresh: Annotated[float, typer.Option(
        min=0.5, max=3600, help="Seconds between two looks for new writes (with --warm).")
                       ] = 5.0,
) -> None:
    """Serve a read-only dashboard and JSON API over the event database (pages: /, /network,
    /dyads/A/B, /events, /documents/ID, /actors/CODE, /alerts; JSON under /api; schema at
    /openapi.json)."""
    import uvicorn
    from sqlalchemy.engine import make_url

    from blocwatch.settings import Settings
    from blocwatch.store.database import normalise_url
    from blocwatch.web import create_app, open_readonly

    url = db or Settings.from_env().database
    try:
        store = open_readonly(url)
    except BlocwatchError as err:
        fail(str(err), 2)
    warning = exposure_warning(host)
    if warning:
        typer.echo(f"blocwatch: {warning}", err=True)
    sock = listen(host, port)
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    where = make_url(normalise_url(url)).render_as_string(hide_password=True)
    typer.echo(f"blocwatch: serving {where} read-only at http://{shown}:{port}/ "
               "(Ctrl+C to stop)", err=True)
    config = uvicorn.Config(create_app(store, warm=warm, refresh=refresh), log_level="warning",
                            access_log=False)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
        store.close()
