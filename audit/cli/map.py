"""`a11y-audit map`: placeholder until the maps is built."""

from audit.cli.common import not_built

command = not_built("map", "maps")
