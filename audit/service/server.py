"""waitress for the service, set so that the app words every refusal, waitress's own 413 included."""

from __future__ import annotations

import io

from flask import Flask
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


def stop_server(server, thread, timeout: float = 10.0) -> None:
    """Stop a server `make_server` made and whose `.run()` is `thread`: its sockets are closed by its own loop
    (closing them from another thread races its select(): "Bad file descriptor"), then the loop and the task
    threads end."""

    def close_all() -> None:
        for channel in list(server._map.values()):  # waitress keeps every channel in the server's map
            if channel is not server and channel is not server.trigger:
                channel.close()
        server.close()  # the listener and the trigger: the loop ends when its map is empty

    server.trigger.pull_trigger(close_all)
    thread.join(timeout)
    server.task_dispatcher.shutdown()
