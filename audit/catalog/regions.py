"""Province-specific data beside the checklists: `checklists/regions/<province code>/` (circles, indicators)."""

from __future__ import annotations

from pathlib import Path

REGIONS_DIR = "regions"
# Hunan, the reference region, kept its circles in `checklists/circles/*.yaml` before regions existed: a
# checklist folder of that layout still works for Hunan.
LEGACY_REGION = "430000"


def region_dir(root: Path, region: str) -> Path:
    """`<root>/regions/<region>/`, which may not exist: a region without its own data has none of it."""
    return Path(root) / REGIONS_DIR / region


def circle_paths(root: Path, region: str) -> list[Path]:
    """The region's circle files, `regions/<region>/circles/*.yaml` (and `circles/*.yaml` for Hunan)."""
    paths = sorted((region_dir(root, region) / "circles").glob("*.yaml"))
    if region == LEGACY_REGION:
        paths += sorted((Path(root) / "circles").glob("*.yaml"))
    return paths


def indicators_path(root: Path, region: str | None) -> Path:
    """The region's own creation indicators when it has them (a provincial method), else the national scheme."""
    if region:
        own = region_dir(root, region) / "indicators.yaml"
        if own.exists():
            return own
    return Path(root) / "creation" / "indicators.yaml"
