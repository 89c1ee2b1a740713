"""A real server process on loopback: concurrent uploads from another process, and a kill mid-upload."""

from __future__ import annotations

import concurrent.futures
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from audit.service.accounts import Accounts
from audit.store import open_store
from tests.service.conftest import fixture_bytes

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str, tmp: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "audit",
            "--db",
            db,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--threads",
            "4",
            "--photos",
            str(tmp / "photos"),
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/api/openapi.json", timeout=1)
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def upload(base: str, token: str, name: str, body: bytes) -> int:
    boundary = "a11yboundary"
    parts = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="checklist"\r\n\r\naccessible-toilets\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        + body
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        base + "/api/submissions",
        data=parts,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def batch(n: int) -> bytes:
    """A file of its own submission ids; every third batch repeats ids of the first (re-uploads)."""
    header = fixture_bytes("toilets-shaoshan.csv").split(b"\n")[0].decode()
    ids = range(3) if n % 3 == 0 else range(n * 10, n * 10 + 3)
    rows = [f"c-{i},公厕{i},112.9386,28.1860,toilet-room,900,yes,yes,wgs84" for i in ids]
    return ("\n".join([header, *rows]) + "\n").encode()


@pytest.fixture
def served(tmp_path):
    db = str(tmp_path / "s.db")
    store = open_store(db)
    Accounts(store).add("yuelu", "correct-horse-9", "inspector", ("430104",))
    token = Accounts(store).new_token("yuelu")
    store.close()
    process, base = start_server(db, tmp_path)
    yield db, base, token, process
    if process.poll() is None:
        process.terminate()
        process.wait(10)


def test_concurrent_uploads_lose_nothing_and_never_duplicate(served):
    db, base, token, _ = served
    script = (
        "import sys, json; from tests.service.test_server import upload, batch; "
        "from concurrent.futures import ThreadPoolExecutor; base, token = sys.argv[1:3]; "
        "pool = ThreadPoolExecutor(6); "
        "print(json.dumps(list(pool.map(lambda n: upload(base, token, f'b{n}.csv', batch(n)), range(18)))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, base, token], cwd=REPO, capture_output=True, text=True, timeout=170, check=True
    )
    statuses = json.loads(out.stdout)
    assert statuses == [201] * 18, out.stderr[-2000:]
    store = open_store(db)
    try:
        keys = [s.key for s in store.subjects()]
        expected = {
            f"facility:accessible-toilets:430104:c-{i}"
            for n in range(18)
            for i in (range(3) if n % 3 == 0 else range(n * 10, n * 10 + 3))
        }
        assert len(keys) == len(set(keys)) and set(keys) == expected
        records = store.uploads(limit=100)
        assert len(records) == 18 and {r.result for r in records} == {"accepted"}
        # every upload joined the one open campaign of the quarter, which holds all of them
        [campaign] = {r.round_id for r in records}
        assert store.audited_keys(campaign) == expected
    finally:
        store.close()


def test_a_server_killed_during_uploads_leaves_no_half_written_submission(served):
    db, base, token, process = served
    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(upload, base, token, f"k{n}.csv", batch(n + 1)) for n in range(12)]
        time.sleep(1.0)
        os.kill(process.pid, signal.SIGKILL)
        # connections die with the server, as intended: what matters is what the store holds afterwards
        concurrent.futures.wait(futures, timeout=60)
    store = open_store(db)
    try:
        records = store.uploads(limit=100)
        for record in records:
            if record.result == "accepted":  # complete: its round is complete and holds all its findings
                round_ = store.get_round(record.round_id)
                assert round_.status == "complete"
                for key in record.subjects:
                    assert store.get_subject(key) is not None and list(store.findings(round_.id, key))
            else:  # cut off: nothing of it was stored
                assert record.round_id is None
        accepted_rounds = {r.round_id for r in records if r.result == "accepted"}
        assert {r.id for r in store.rounds("facility")} == accepted_rounds
    finally:
        store.close()
