"""A Selenium Grid 4's status (GET /status): its nodes, their slots, and how many are free for new sessions."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

STATUS_TIMEOUT = 10.0  # seconds; a Grid that cannot say how busy it is within this is treated as unknown


@dataclass(frozen=True)
class GridNode:
    uri: str
    up: bool
    slots: int
    busy: int
    sessions: tuple[str, ...]  # ids of the sessions running on it

    @property
    def free(self) -> int:
        return self.slots - self.busy if self.up else 0


@dataclass(frozen=True)
class GridStatus:
    ready: bool
    nodes: tuple[GridNode, ...]

    @property
    def free_slots(self) -> int:
        """Slots a new session may take now: free slots of nodes that are UP (a node that went DOWN keeps
        its dead sessions' slots busy until the Grid purges it, and takes no new session anyway)."""
        return sum(node.free for node in self.nodes)

    @property
    def slots(self) -> int:
        return sum(node.slots for node in self.nodes if node.up)

    def node_of(self, session_id: str) -> str | None:
        """The URI of the node running a session, if the Grid knows it."""
        return next((node.uri for node in self.nodes if session_id in node.sessions), None)


def parse_status(document: dict) -> GridStatus | None:
    """A Grid's /status document, or None for a WebDriver server that is no Grid (a bare chromedriver)."""
    value = document.get("value") if isinstance(document, dict) else None
    if not isinstance(value, dict) or not isinstance(value.get("nodes"), list):
        return None
    nodes = []
    for node in value["nodes"]:
        slots = node.get("slots") or []
        sessions = tuple(
            str(slot["session"].get("sessionId", "")) for slot in slots if isinstance(slot.get("session"), dict)
        )
        nodes.append(
            GridNode(
                uri=str(node.get("uri", "")),
                up=node.get("availability") == "UP",
                slots=len(slots),
                busy=sum(slot.get("session") is not None for slot in slots),
                sessions=sessions,
            )
        )
    return GridStatus(bool(value.get("ready")), tuple(nodes))


def grid_status(url: str, timeout: float = STATUS_TIMEOUT) -> GridStatus | None:
    """GET <url>/status; None when the server is no Grid or does not answer."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/status", timeout=timeout) as response:
            return parse_status(json.loads(response.read(2_000_000)))
    except (OSError, ValueError, urllib.error.URLError):
        return None
