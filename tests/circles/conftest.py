"""A throwaway checklists root holding only the circle schema, for loader and coverage tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def circle_root(tmp_path):
    """tmp/checklists with schema/circle.schema.json and an empty circles/ folder."""
    root = tmp_path / "checklists"
    (root / "schema").mkdir(parents=True)
    (root / "circles").mkdir()
    shutil.copy(REPO / "checklists" / "schema" / "circle.schema.json", root / "schema")
    return root
