"""folium/branca elements of the map page: the accessible page shell, inline assets and data-driven layers."""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib import resources

import folium
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

STATIC = resources.files("audit.render.map") / "static"
# Order matters: Leaflet before the cluster plugin before our script.
INLINE_CSS = ("leaflet/leaflet.css", "markercluster/MarkerCluster.css", "a11y-map.css")
INLINE_JS = ("leaflet/leaflet.js", "markercluster/leaflet.markercluster.js", "a11y-map.js")
DATA_ELEMENT_ID = "a11y-map-data"


@cache
def _static_text(name: str) -> str:
    text = (STATIC / name).read_text(encoding="utf-8")
    if name.endswith(".css"):
        # Inline the control icons so the page needs no file beside it.
        text = re.sub(r"url\((images/[\w.-]+\.png)\)", lambda m: f"url({_data_uri(m.group(1), name)})", text)
    return text.replace("</script", "<\\/script").replace("</style", "<\\/style")


def _data_uri(relative: str, css_name: str) -> str:
    path = STATIC / css_name.rsplit("/", 1)[0] / relative
    if not path.is_file():
        return relative  # only the default marker image is not vendored, and our markers never use it
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def inline_assets() -> list[Element]:
    """Leaflet, markercluster and our script and style as inline elements: the page works offline."""
    styles = [Element(f"<style>\n{_static_text(name)}\n</style>") for name in INLINE_CSS]
    scripts = [Element(f"<script>\n{_static_text(name)}\n</script>") for name in INLINE_JS]
    return styles + scripts


class OfflineMap(folium.Map):
    """folium's Map without its CDN links (jQuery, Bootstrap, Font Awesome): we inline what Leaflet needs."""

    default_js: list = []
    default_css: list = []


class MapPage(Figure):
    """The page shell: lang attribute, title, a header with the table link, the map inside <main>.

    `shell_top` and `shell_bottom` are rendered beforehand with autoescaping Jinja (see page.py);
    the map's own header, html and script come from folium.
    """

    _template = Template(
        "<!DOCTYPE html>\n"
        '<html lang="{{ this.lang }}">\n<head>\n<meta charset="utf-8">\n'
        "<title>{{ this.escaped_title }}</title>\n"
        "{{ this.header.render(**kwargs) }}\n</head>\n<body>\n"
        "{{ this.shell_top }}\n"
        "{{ this.html.render(**kwargs) }}\n"
        "{{ this.shell_bottom }}\n"
        "<script>\n{{ this.script.render(**kwargs) }}\n</script>\n</body>\n</html>\n"
    )

    def __init__(self, lang: str, escaped_title: str, shell_top: str, shell_bottom: str):
        super().__init__(width="100%", height="100%")
        self.lang = lang
        self.escaped_title = escaped_title
        self.shell_top = shell_top
        self.shell_bottom = shell_bottom

    def render(self, **kwargs) -> str:
        for child in self._children.values():
            child.render(**kwargs)
        _allow_zoom(self)
        return self._template.render(this=self, kwargs=kwargs)


def _allow_zoom(page: Figure) -> None:
    """folium's viewport forbids pinch zoom (maximum-scale=1, user-scalable=no): axe calls that critical."""
    for name, child in list(page.header._children.items()):
        template = getattr(child, "_template", None)
        source = child.render() if template is not None else ""
        if "user-scalable=no" in source:
            fixed = re.sub(r",\s*maximum-scale=1\.0,\s*user-scalable=no", "", source)
            page.header._children[name] = Element(fixed)


class JsonData(Element):
    """The payload as <script type="application/json">; the text is already escaped for that context."""

    def __init__(self, element_id: str, json_text: str):
        super().__init__(f'<script type="application/json" id="{element_id}">{json_text}</script>')


class PayloadSetup(MacroElement):
    """Parses the payload once, before the layers that read it."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = A11yMap.payload({{ this.element_id|tojson }});"
        "{% endmacro %}"
    )

    def __init__(self, element_id: str = DATA_ELEMENT_ID):
        super().__init__()
        self._name = "a11y_payload"
        self.element_id = element_id


class DataLayer(folium.map.Layer):
    """A switchable overlay drawn by a11y-map.js from the payload: `factory` names the A11yMap function."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = A11yMap.{{ this.factory }}({{ this.payload.get_name() }}"
        "{% if this.category %}, {{ this.category|tojson }}{% endif %});"
        "{% endmacro %}"
    )

    def __init__(self, payload: PayloadSetup, factory: str, name: str, category: str | None = None, show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = f"a11y_{factory}"
        self.payload = payload
        self.factory = factory
        self.category = category


class Legend(MacroElement):
    """Moves the server-rendered legend (<div id=…>) into a Leaflet control, so it works like the others."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function () {"
        " var node = document.getElementById({{ this.element_id|tojson }});"
        " var Legend = L.Control.extend({options: {position: 'bottomleft'}, onAdd: function () {"
        "   L.DomEvent.disableClickPropagation(node); L.DomEvent.disableScrollPropagation(node);"
        "   node.hidden = false; return node; }});"
        " new Legend().addTo({{ this._parent.get_name() }});"
        "})();"
        "{% endmacro %}"
    )

    def __init__(self, element_id: str):
        super().__init__()
        self._name = "a11y_legend"
        self.element_id = element_id


class StartSignal(MacroElement):
    """Last script on the page: lets a11y-map.js mark the page ready when no layer is still loading."""

    _template = Template("{% macro script(this, kwargs) %}A11yMap.start();{% endmacro %}")
