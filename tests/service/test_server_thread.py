"""ServerThread: the service served by a thread of this process stops cleanly, with a client still connected and
without writing to waitress's wake-up pipe (CI once failed stopping the demo's service on that pipe: EBADF)."""

from __future__ import annotations

import errno
import http.client
import socket
import time

import pytest

from audit.service.server import ServerThread, make_server

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")


def _get(connection: http.client.HTTPConnection, path: str) -> int:
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response.status


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def test_stop_closes_every_socket_with_a_client_still_connected(app, config):
    running = ServerThread(make_server(app, config, "127.0.0.1", 0, threads=2)).start()
    client = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
    assert _get(client, "/api/openapi.json") == 200  # HTTP/1.1: the connection stays open
    assert len(running.server._map) == 3  # the listener, the wake-up pipe, the client's channel

    started = time.monotonic()
    running.stop()
    assert time.monotonic() - started < 2 * ServerThread.POLL_S + 1
    assert not running.thread.is_alive() and not running.server._map
    assert client.sock.recv(1) == b""  # the server closed the kept-alive connection
    client.close()
    assert _refused(running.port)


def test_stop_does_not_write_to_the_wake_up_pipe(app, config):
    running = ServerThread(make_server(app, config, "127.0.0.1", 0, threads=2)).start()

    def broken_pipe() -> None:
        raise OSError(errno.EBADF, "Bad file descriptor")

    running.server.trigger._physical_pull = broken_pipe  # as if something else in the process closed its fd
    running.stop()
    assert not running.thread.is_alive() and not running.server._map
    assert _refused(running.port)
