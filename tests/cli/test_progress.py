"""Plain progress (CI logs, pipes) prints a handful of lines, the last one complete."""

from __future__ import annotations

from audit.cli.progress import progress


def test_plain_progress_prints_about_ten_lines_ending_complete(capsys):
    with progress(1000, "storing") as advance:
        for _ in range(1000):
            advance(1)
    lines = capsys.readouterr().err.strip().splitlines()
    assert 9 <= len(lines) <= 11
    assert lines[-1] == "storing: 1000/1000"


def test_nothing_to_do_prints_nothing(capsys):
    with progress(0, "storing") as advance:
        advance(5)
    assert capsys.readouterr().err == ""
