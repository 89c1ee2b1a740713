"""Photos referenced by file name: the name is looked up in one folder, never used as a path."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from audit.facility.values import ValueProblem

PHOTO_TYPES = (".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp")
MAX_PHOTO_BYTES = 30 * 1024 * 1024
_SPLIT = re.compile(r"\s*[;；,，\n]\s*")


@dataclass(frozen=True)
class PhotoRef:
    """`name` as the inspector wrote it (display only); `safe_name` is what the store uses."""

    name: str
    safe_name: str | None = None
    sha256: str | None = None
    size: int | None = None
    path: Path | None = None


def split_names(text: str) -> list[str]:
    return [name for name in _SPLIT.split(text.strip()) if name]


def check_name(name: str) -> None:
    """Only a bare file name with an image extension: no folders, no '..', no drive letters."""
    if any(c in name for c in "/\\:\x00") or name.startswith(".") or name != Path(name).name:
        raise ValueProblem("facility.photo.unsafe-name", name=name)
    if not name.lower().endswith(PHOTO_TYPES):
        raise ValueProblem("facility.photo.bad-type", name=name)


def resolve(name: str, folder: Path | None, limit: int = MAX_PHOTO_BYTES) -> PhotoRef:
    """Check the name; with a folder, find the file there and give it a content-derived safe name."""
    check_name(name)
    if folder is None:
        return PhotoRef(name)
    path = folder / name
    if not path.is_file():
        raise ValueProblem("facility.photo.missing", name=name)
    size = path.stat().st_size
    if size > limit:
        raise ValueProblem("facility.photo.too-large", name=name, limit=limit)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    extension = Path(name).suffix.lower().replace(".jpeg", ".jpg")
    return PhotoRef(name, f"{digest[:24]}{extension}", digest, size, path)
