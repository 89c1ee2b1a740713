"""The map page: our own Leaflet page template, with static assets and every datum passed as variables, never as source.

User text (names, page titles) reaches the page only inside JSON blocks that a11y-map.js reads; the template
is a package file, so nothing built from data is ever compiled as a Jinja template (issue 10).
"""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib import resources
from typing import Any

from markupsafe import Markup

from audit.render.map.payload import to_script_json
from audit.render.map.templating import render
from audit.render.map.tiles import Tiles

STATIC = resources.files("audit.render.map") / "static"
# Order matters: Leaflet before the cluster plugin before our script.
INLINE_CSS = ("leaflet/leaflet.css", "markercluster/MarkerCluster.css", "a11y-map.css")
INLINE_JS = ("leaflet/leaflet.js", "markercluster/leaflet.markercluster.js", "a11y-map.js")
DATA_ELEMENT_ID = "a11y-map-data"
VIEW_ELEMENT_ID = "a11y-map-view"
MAP_ELEMENT_ID = "a11y-map"
# Hunan's middle, for a map with nothing to show and no region extent given (render.py passes the middle of the
# configured province); a province is the widest useful view, and fewer zoom levels make clustering faster.
DEFAULT_CENTRE, DEFAULT_ZOOM, MIN_ZOOM = (27.6, 111.7), 7, 5
FIT_PADDING = (20, 20)


@cache
def static_text(name: str) -> Markup:
    """A vendored or own asset, safe to inline in <style> or <script>: trusted package text, not data."""
    text = (STATIC / name).read_text(encoding="utf-8")
    if name.endswith(".css"):
        # Inline the control icons so the page needs no file beside it.
        text = re.sub(r"url\((images/[\w.-]+\.png)\)", lambda m: f"url({_data_uri(m.group(1), name)})", text)
    return Markup(text.replace("</script", "<\\/script").replace("</style", "<\\/style"))


def _data_uri(relative: str, css_name: str) -> str:
    path = STATIC / css_name.rsplit("/", 1)[0] / relative
    if not path.is_file():
        return relative  # only the default marker image is not vendored, and our markers never use it
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def map_view(
    payload: dict,
    tiles: Tiles,
    bounds: list[list[float]] | None,
    legend_id: str,
    centre: tuple[float, float] = DEFAULT_CENTRE,
) -> dict[str, Any]:
    """What a11y-map.js needs to build the Leaflet map: view, base tiles and the overlays in drawing order.
    `centre` (lat, lon) is the view when `bounds` is None: nothing drawn."""
    layers: list[dict[str, Any]] = []
    if payload["counties"]["geojson"]["features"]:
        layers.append({"kind": "counties", "name": payload["counties"]["name"]})
    if payload["circles"]["items"]:
        layers.append({"kind": "circles", "name": payload["circles"]["name"]})
    for category in payload["categories"]:
        if category["points"] or category["lines"]:
            layers.append({"kind": "category", "name": category["name"], "category": category["id"]})
    if payload["gaps"]["items"]:
        layers.append({"kind": "gaps", "name": payload["gaps"]["name"]})
    if payload.get("problems", {}).get("items"):  # last: drawn over the subjects they are about
        layers.append({"kind": "problems", "name": payload["problems"]["name"]})
    return {
        "element": MAP_ELEMENT_ID,
        "centre": list(centre),
        "zoom": DEFAULT_ZOOM,
        "minZoom": MIN_ZOOM,
        "maxZoom": tiles.max_zoom,  # markercluster needs the map's own maxZoom when no tile layer gives one
        "bounds": bounds,
        "padding": list(FIT_PADDING),
        # One base layer only: its datum decides where every point is drawn, so it is not switchable.
        # The second Tianditu URL is its label layer, always on top of the first.
        "tiles": [
            {
                "url": url,
                "attribution": tiles.attribution,
                "subdomains": tiles.subdomains or "abc",
                "maxZoom": tiles.max_zoom,
            }
            for url in tiles.urls
        ],
        "layers": layers,
        "legend": legend_id,
    }


def render_page(lang: str, title: str, payload: dict, view: dict, **shell: object) -> str:
    """The whole map page; `shell` holds the header and legend variables of map_top/map_bottom."""
    return render(
        "map.html.j2",
        lang=lang,
        title=title,
        inline_css=[static_text(name) for name in INLINE_CSS],
        inline_js=[static_text(name) for name in INLINE_JS],
        map_id=MAP_ELEMENT_ID,
        data_id=DATA_ELEMENT_ID,
        view_id=VIEW_ELEMENT_ID,
        # JSON escaped for a <script type="application/json"> block ('<', '>', '&' as \u escapes)
        data_json=Markup(to_script_json(payload)),
        view_json=Markup(to_script_json(view)),
        **shell,
    )
