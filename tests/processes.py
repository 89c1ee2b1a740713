"""This test session's own process tree: which Chromium/chromedriver processes it started, to end only those."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import time
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36


def adopt_orphans() -> bool:
    """Make this process the subreaper of its descendants (Linux): a browser whose driver died is re-parented
    here instead of to init, so it stays in our tree and can still be found and ended."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _parents() -> dict[int, int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # exited while we looked
            # the command name in parentheses may contain spaces: the fields after the last ")" are fixed
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def descendants(root: int) -> set[int]:
    """Every live process below `root` (children, grandchildren, ...)."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    found: set[int] = set()
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def is_chromium(pid: int) -> bool:
    """A Chromium, Chrome or chromedriver process (by its program name; a zombie has none and is not counted)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0", 1)[0]
    except OSError:
        return False
    return b"chrom" in command.rsplit(b"/", 1)[-1]


def our_chromium(root: int | None = None) -> set[int]:
    return {pid for pid in descendants(root or os.getpid()) if is_chromium(pid)}


def end_our_chromium(root: int | None = None, sweeps: int = 10) -> set[int]:
    """SIGKILL every Chromium/chromedriver below `root`, by pid, until none is left; returns those ended."""
    ended: set[int] = set()
    for _ in range(sweeps):  # a killed browser's helpers may still be starting: sweep until none are left
        found = our_chromium(root)
        if not found:
            break
        ended |= found
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass  # exited on its own meanwhile
        time.sleep(0.2)
    return ended
