"""Base tiles a map can use, and the coordinate system each expects (points are converted to match)."""

from __future__ import annotations

import os
from dataclasses import dataclass

ENV_TIANDITU_KEY = "TIANDITU_KEY"
TILE_CHOICES = ("osm", "tianditu", "amap", "none")


class TileKeyMissing(RuntimeError):
    """Tianditu tiles were asked for without a key in the environment."""


@dataclass(frozen=True)
class Tiles:
    """A base layer: Leaflet URL template(s), attribution and the datum the tiles are drawn in."""

    name: str
    urls: tuple[str, ...]
    attribution: str
    system: str  # "wgs84" or "gcj02": stored WGS-84 coordinates are converted to this for display
    subdomains: str = ""
    max_zoom: int = 18


def tiles_for(name: str, environ: dict[str, str] | None = None) -> Tiles:
    """The base layer called `name`; Tianditu reads its key from $TIANDITU_KEY."""
    environ = os.environ if environ is None else environ
    if name == "osm":
        return Tiles(
            "osm",
            ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",),
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
            "wgs84",
            max_zoom=19,
        )
    if name == "tianditu":
        key = environ.get(ENV_TIANDITU_KEY, "").strip()
        if not key:
            raise TileKeyMissing(ENV_TIANDITU_KEY)
        # Tianditu draws in CGCS2000, which differs from WGS-84 by centimetres: no conversion needed.
        wmts = (
            "https://t{s}.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=%s"
            "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=" + key
        )
        return Tiles(
            "tianditu",
            (wmts % ("vec", "vec"), wmts % ("cva", "cva")),
            '&copy; <a href="https://www.tianditu.gov.cn/">天地图 国家地理信息公共服务平台</a>',
            "wgs84",
            subdomains="01234567",
        )
    if name == "amap":
        return Tiles(
            "amap",
            ("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",),
            '&copy; <a href="https://www.amap.com/">高德地图 AutoNavi</a>',
            "gcj02",
            subdomains="1234",
        )
    if name == "none":
        return Tiles("none", (), "", "wgs84")
    raise ValueError(f"unknown tiles {name!r}; expected one of {TILE_CHOICES}")
