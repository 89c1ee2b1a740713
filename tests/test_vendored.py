"""Vendored third-party files are exactly the upstream release recorded in their VENDORED.toml (name, version, sha256)."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MANIFESTS = sorted((REPO / "audit").rglob("VENDORED.toml"))
FILES = [
    pytest.param(manifest, package, name, digest, id=f"{package['name']}:{name}")
    for manifest in MANIFESTS
    for package in tomllib.loads(manifest.read_text(encoding="utf-8"))["package"]
    for name, digest in package["sha256"].items()
]


def test_axe_core_and_leaflet_have_a_manifest():
    assert {m.parent.relative_to(REPO).as_posix() for m in MANIFESTS} >= {"audit/web/vendor", "audit/render/map/static"}


@pytest.mark.parametrize(("manifest", "package", "name", "digest"), FILES)
def test_vendored_file_matches_its_recorded_hash(manifest, package, name, digest):
    data = (manifest.parent / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == digest, f"{name} is not {package['name']} {package['version']}"


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda m: m.parent.name)
def test_manifest_versions_agree_with_version_files(manifest):
    """The VERSION file the code reports (axe-core's version in every round) names the same release."""
    version_file = (manifest.parent / "VERSION").read_text(encoding="utf-8")
    for package in tomllib.loads(manifest.read_text(encoding="utf-8"))["package"]:
        assert package["version"] in version_file.split(), (package["name"], version_file)
