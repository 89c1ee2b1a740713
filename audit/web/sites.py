"""Parse sites.txt: `URL  DIVISION-CODE  NAME` per line, whitespace-separated, `#` comments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from audit.web.auditor import Site

# A comment starts at a `#` at the start of a line or after whitespace; a `#` inside a URL is a fragment.
COMMENT = re.compile(r"(^|\s)#.*$")


@dataclass(frozen=True)
class SitesProblem:
    """One bad line: the row number and what is wrong with it (English; the CLI words it in both languages)."""

    row: int
    problem: str


def parse_sites_line(line: str) -> Site | str | None:
    """A Site, None for a blank or comment line, or a description of what is wrong."""
    text = COMMENT.sub("", line).strip()
    if not text:
        return None
    parts = text.replace(",", " ").split(None, 2)
    url = parts[0]
    if not url.startswith(("http://", "https://")):
        return f"URL {url!r} (expected an absolute http(s) URL)"
    code = parts[1] if len(parts) > 1 else None
    if code is not None and not (code.isdigit() and len(code) == 6):
        return f"division code {code!r} (expected 6 digits, GB/T 2260)"
    return Site(url, code, parts[2].strip() if len(parts) > 2 else None)


def read_sites(path: Path | str) -> tuple[list[Site], list[SitesProblem]]:
    """Every site of the file, and every bad line (all of them, not just the first)."""
    sites, problems = [], []
    for row, line in enumerate(Path(path).read_text(encoding="utf-8-sig").splitlines(), start=1):
        parsed = parse_sites_line(line)
        if isinstance(parsed, str):
            problems.append(SitesProblem(row, parsed))
        elif parsed is not None:
            sites.append(parsed)
    return sites, problems
