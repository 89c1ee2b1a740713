"""waitress for the service, set so that the app words every refusal, waitress's own 413 included."""

from __future__ import annotations

import io
import threading

from flask import Flask
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask, WSGITask
from waitress.utilities import RequestEntityTooLarge

from audit.service.config import MiB, ServiceConfig

REFUSED = "a11y.refused"  # environ key: the status waitress refused the request with, for the app to answer


class _RefusalForTheApp(WSGITask):
    """A request waitress refused for its size, passed to the app without its body, so the answer is the app's:
    JSON in the API's error shape, a localised page elsewhere, with the usual headers."""

    def get_environment(self):
        environ = super().get_environment()
        environ.update({REFUSED: 413, "CONTENT_LENGTH": "0", "wsgi.input": io.BytesIO()})
        return environ

    def execute(self):
        self.set_close_on_finish()  # the unread body is still on the wire
        super().execute()


def _error_task(channel: HTTPChannel, request):
    if isinstance(request.error, RequestEntityTooLarge) and request.path and request.command:
        return _RefusalForTheApp(channel, request)
    return ErrorTask(channel, request)  # unparseable requests: waitress's plain answer


class _Channel(HTTPChannel):
    error_task_class = staticmethod(_error_task)


def make_server(app: Flask, config: ServiceConfig, host: str, port: int, threads: int = 8):
    """The server, not yet running (`.run()`). Its body limit is 1 MiB above Flask's, so Flask's check answers
    first; a body over waitress's limit is not read, and the app answers the same 413."""
    sockets: dict = {}
    server = create_server(
        app,
        map=sockets,
        host=host,
        port=port,
        threads=threads,
        max_request_body_size=config.max_request_bytes + MiB,
        ident="a11y-audit",
        clear_untrusted_proxy_headers=True,
    )
    for listener in [server, *sockets.values()]:
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = _Channel
    return server


class ServerThread:
    """A server `make_server` made, served by a thread of this process until `stop` (the demo's service, the
    tests' servers). The thread runs waitress's loop with a short timeout and checks a stop flag between polls,
    so stopping writes nothing to waitress's wake-up pipe, and the thread that selects on the sockets is the one
    that closes them (closing them from another thread races its select(): "Bad file descriptor")."""

    POLL_S = 0.1  # how long `stop` may wait for the loop to notice

    def __init__(self, server, name: str = "a11y-audit-service"):
        self.server = server
        self.port = server.effective_port
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, name=name, daemon=True)

    def start(self) -> ServerThread:
        self.thread.start()
        return self

    def _serve(self) -> None:
        sockets = self.server._map  # waitress keeps the listener, its wake-up pipe and every channel here
        poll = wasyncore.poll2 if self.server.adj.asyncore_use_poll else wasyncore.poll
        try:
            while sockets and not self.stopping.is_set():
                poll(self.POLL_S, sockets)
        finally:
            wasyncore.close_all(sockets)  # every channel, the listener and the wake-up pipe, as waitress closes them

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving: the loop ends within `POLL_S`, closing every socket, then the task threads end."""
        self.stopping.set()
        self.thread.join(timeout)
        self.server.task_dispatcher.shutdown()
