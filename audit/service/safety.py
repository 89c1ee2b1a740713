"""Defences for uploaded files: display names, allowed kinds, XLSX zip-bomb checks, photo storage."""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

CHECKLIST_SUFFIXES = (".csv", ".xlsx", ".geojson", ".json")
# photo kinds by their first bytes: the name an inspector's phone gave is never trusted
PHOTO_MAGIC = {b"\xff\xd8\xff": ".jpg", b"\x89PNG\r\n\x1a\n": ".png"}
WEBP = (b"RIFF", b"WEBP")
HEIC_BRANDS = (b"heic", b"heix", b"mif1", b"msf1", b"hevc")


class UnsafeFile(ValueError):
    """A file refused before any parsing; `key` names the message in service.yaml."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key, self.values = key, values


@dataclass(frozen=True)
class Upload:
    """An uploaded file in memory. `name` is for display only and never touches the file system."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()

    def describe(self) -> dict:
        return {"name": self.name, "bytes": len(self.data), "sha256": self.sha256}


def display_name(raw: str | None, fallback: str) -> str:
    """The last path part of a client's file name, without control characters, at most 120 characters."""
    name = re.split(r"[\\/]", raw or "")[-1]
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C").strip()
    return (name or fallback)[:120]


def check_checklist_file(upload: Upload, max_bytes: int, max_unzipped: int, max_ratio: int) -> None:
    if upload.suffix not in CHECKLIST_SUFFIXES:
        raise UnsafeFile("upload.bad-kind", file=upload.name, kinds=", ".join(CHECKLIST_SUFFIXES))
    if not upload.data:
        raise UnsafeFile("upload.empty", file=upload.name)
    if len(upload.data) > max_bytes:
        raise UnsafeFile("upload.too-big", file=upload.name, limit=max_bytes // 1024 // 1024)
    if upload.suffix == ".xlsx":
        check_xlsx(upload, max_unzipped, max_ratio)


def check_xlsx(upload: Upload, max_unzipped: int, max_ratio: int) -> None:
    """Refuse an XLSX that is not a zip, or would expand past the limits, before openpyxl sees it.

    The sizes in the zip directory can lie, so the members are also expanded in bounded chunks and counted.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(upload.data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise UnsafeFile("upload.bad-xlsx", file=upload.name) from None
    if len(members) > 2000:
        raise UnsafeFile("upload.zip-bomb", file=upload.name)
    declared = sum(m.file_size for m in members)
    if declared > max_unzipped or any(m.file_size > max_ratio * max(m.compress_size, 1) + 1_000_000 for m in members):
        raise UnsafeFile("upload.zip-bomb", file=upload.name)
    total = 0
    try:
        for member in members:
            with archive.open(member) as stream:
                while chunk := stream.read(1 << 20):
                    total += len(chunk)
                    if total > max_unzipped:
                        raise UnsafeFile("upload.zip-bomb", file=upload.name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        raise UnsafeFile("upload.bad-xlsx", file=upload.name) from None


def photo_suffix(data: bytes) -> str | None:
    for magic, suffix in PHOTO_MAGIC.items():
        if data.startswith(magic):
            return suffix
    if data[:4] == WEBP[0] and data[8:12] == WEBP[1]:
        return ".webp"
    if data[4:8] == b"ftyp" and data[8:12] in HEIC_BRANDS:
        return ".heic"
    return None


def store_photo(upload: Upload, folder: Path) -> str:
    """Save a photo under a name made from its content (idempotent on re-upload); returns that name."""
    suffix = photo_suffix(upload.data)
    if suffix is None:
        raise UnsafeFile("upload.bad-photo", file=upload.name)
    safe = upload.sha256[:24] + suffix  # the facility ingest's convention
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / safe
    if not target.exists():
        partial = folder / f".{safe}.{secrets.token_hex(8)}.part"  # unique: two uploads of one photo may race
        partial.write_bytes(upload.data)
        partial.replace(target)  # atomic: a killed server never leaves half a photo under the final name
    return safe
