"""Maps for the housing department: Leaflet pages of stored scores, with an accessible table beside each."""

from audit.render.map.render import MapFiles, MapOptions, RenderedMap, render_map, table_path_for, write_map
from audit.render.map.tiles import ENV_TIANDITU_KEY, TILE_CHOICES, TileKeyMissing

__all__ = [
    "ENV_TIANDITU_KEY",
    "TILE_CHOICES",
    "MapFiles",
    "MapOptions",
    "RenderedMap",
    "TileKeyMissing",
    "render_map",
    "table_path_for",
    "write_map",
]
