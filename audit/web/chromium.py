"""Find the Chromium to drive: a system one when present, Playwright's managed browser otherwise."""

from __future__ import annotations

import os
import shutil

ENV_CHROMIUM = "A11Y_AUDIT_CHROMIUM"
SYSTEM_CANDIDATES = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
)
# Chromium's headless shell (Debian's chromium-headless-shell, Chrome for Testing's chrome-headless-shell) is
# the browser Playwright itself chooses for headless work: the same Blink and V8 without the desktop browser's
# layers. On the 60-page benchmark portal it cuts the tree's CPU by about a fifth (docs/bench.md).
HEADLESS_CANDIDATES = (
    "/usr/bin/chromium-headless-shell",
    "/usr/bin/chrome-headless-shell",
)

# Without the background-networking switches Chromium keeps calling home, which fails (and slows
# every start) on machines with no internet; --no-sandbox is needed when running as root in CI.
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-dev-shm-usage",
)


def find_chromium() -> str | None:
    """$A11Y_AUDIT_CHROMIUM, else a system Chromium/Chrome, else None (use Playwright's managed build)."""
    explicit = os.environ.get(ENV_CHROMIUM)
    if explicit:
        return explicit
    for candidate in SYSTEM_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def find_headless_chromium() -> str | None:
    """For headless audits: $A11Y_AUDIT_CHROMIUM, else a system headless shell, else find_chromium()."""
    if not os.environ.get(ENV_CHROMIUM):  # an explicit choice is find_chromium's first answer
        for candidate in HEADLESS_CANDIDATES:
            if os.access(candidate, os.X_OK):
                return candidate
    return find_chromium()
