"""Which Chromium the web auditor drives: the explicit one, else the headless shell, else the full browser."""

from __future__ import annotations

import os

import pytest

from audit.web import chromium
from audit.web.drivers.playwright import PlaywrightLauncher


@pytest.fixture
def installed(monkeypatch):
    """Pretend exactly the given paths are executable."""

    def install(*paths: str) -> None:
        monkeypatch.setattr(chromium.os, "access", lambda path, mode: path in paths and mode == os.X_OK)
        monkeypatch.setattr(chromium.shutil, "which", lambda name: None)

    monkeypatch.delenv(chromium.ENV_CHROMIUM, raising=False)
    return install


def test_the_headless_shell_is_preferred_for_headless_audits(installed):
    installed("/usr/bin/chromium", "/usr/bin/chromium-headless-shell")
    assert chromium.find_headless_chromium() == "/usr/bin/chromium-headless-shell"
    assert chromium.find_chromium() == "/usr/bin/chromium"  # PDFs, screenshots and headed runs keep the browser


def test_without_a_shell_the_full_browser_serves(installed):
    installed("/usr/bin/chromium")
    assert chromium.find_headless_chromium() == "/usr/bin/chromium"


def test_without_any_system_chromium_playwright_chooses(installed):
    installed()
    assert chromium.find_headless_chromium() is None


def test_an_explicit_chromium_wins_over_the_shell(installed, monkeypatch):
    installed("/usr/bin/chromium", "/usr/bin/chromium-headless-shell")
    monkeypatch.setenv(chromium.ENV_CHROMIUM, "/opt/chrome/chrome")
    assert chromium.find_headless_chromium() == "/opt/chrome/chrome"


def test_the_launcher_takes_the_shell_only_when_headless(installed):
    installed("/usr/bin/chromium", "/usr/bin/chromium-headless-shell")
    assert PlaywrightLauncher().executable == "/usr/bin/chromium-headless-shell"
    assert PlaywrightLauncher(headless=False).executable == "/usr/bin/chromium"
    assert PlaywrightLauncher(executable="/x/chrome").executable == "/x/chrome"
