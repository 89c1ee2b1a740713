"""Walls import-linter cannot see: auditors do not reach scoring code through the model's lazy names."""

from __future__ import annotations

import ast
from pathlib import Path

from audit import model

REPO = Path(__file__).resolve().parents[1]
SCORING_NAMES = set(model._LAZY)


def imported_model_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "audit.model":
            names |= {alias.name for alias in node.names}
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "model":
            names.add(node.attr)
    return names


def test_auditors_never_import_scoring_names():
    offenders = {}
    for package in ("web", "facility"):
        for path in (REPO / "audit" / package).rglob("*.py"):
            used = imported_model_names(path) & SCORING_NAMES
            if used:
                offenders[str(path.relative_to(REPO))] = sorted(used)
    assert not offenders, f"auditors must not compute scores: {offenders}"


def test_importing_the_model_vocabulary_does_not_load_scoring():
    import subprocess
    import sys

    code = "import sys, audit.model; print(any(m.startswith('audit.model.scoring') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_lazy_names_resolve():
    assert callable(model.score_subject) and callable(model.aggregate) and callable(model.evaluate_all)
