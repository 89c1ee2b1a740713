"""Reading a rendered map back: its JSON payload and its HTML, with the standard library's parser."""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser

from audit.render.map.payload import RECORD_FIELDS

STYLE = RECORD_FIELDS.index("style")


def payload_of(html: str) -> dict:
    return _json_block(html, "a11y-map-data")


def view_of(html: str) -> dict:
    """The map's view: centre, bounds, base tiles and the overlays in drawing order."""
    return _json_block(html, "a11y-map-view")


def _json_block(html: str, element_id: str) -> dict:
    match = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.DOTALL)
    assert match, f"the map page has no JSON block #{element_id}"
    return json.loads(match.group(1))


def grade_counts(payload: dict) -> dict[str, Counter]:
    """Per category id: how many drawn items of each grade code."""
    codes = [s["code"] for s in payload["styles"]]
    return {c["id"]: Counter(codes[r[STYLE]] for r in c["points"] + c["lines"]) for c in payload["categories"]}


class Outline(HTMLParser):
    """Tags with their attributes, and the text of the document, for structural assertions."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]
