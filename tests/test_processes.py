"""The session's clean-up finds and ends only its own Chromium processes, orphans included."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.processes import descendants, end_our_chromium, is_chromium, our_chromium

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_fake_chromium_started_here_is_found_and_ended():
    process = subprocess.Popen(["bash", "-c", "exec -a chromium-fake sleep 60"])
    try:
        assert _wait_for(lambda: process.pid in our_chromium())
        assert end_our_chromium() == {process.pid}
        assert process.wait(5) == -9
    finally:
        process.kill()
        process.wait()


def test_an_orphaned_chromium_stays_ours_and_is_ended():
    """Its parent exits at once (as a killed chromedriver would): the session, as subreaper, adopts it."""
    out = subprocess.run(
        ["bash", "-c", "(exec -a chromium-orphan sleep 60 </dev/null >/dev/null 2>&1) & echo $!"],
        check=True,
        capture_output=True,
        text=True,
    )
    orphan = int(out.stdout)
    try:
        assert _wait_for(lambda: orphan in our_chromium())
        assert orphan in end_our_chromium()
        assert _wait_for(lambda: not is_chromium(orphan))
    finally:
        try:
            os.kill(orphan, 9)
        except OSError:
            pass
        try:
            os.waitpid(orphan, 0)  # adopted: reaping it is ours too
        except ChildProcessError:
            pass


def test_processes_outside_the_session_are_not_ours():
    ours = descendants(os.getpid())
    assert os.getppid() not in ours and 1 not in ours and os.getpid() not in ours
    assert not is_chromium(os.getpid())
