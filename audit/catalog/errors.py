"""Errors raised while loading checklist data; each names the file and the item."""

from __future__ import annotations


class ChecklistError(ValueError):
    """A checklist file is malformed. `problems` lists every problem found, not just the first."""

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}: {problem}" for problem in problems))
