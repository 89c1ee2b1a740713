"""A resident's photo made safe to keep: decoded and re-encoded with Pillow, so no camera make, model, serial,
time, maker note, XMP, comment or PNG text survives; a JPEG keeps only its GPS block (the place is the report)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from audit.service.safety import UnsafeFile, Upload

GPS_IFD = 0x8825
FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
MAX_PIXELS = 40_000_000  # a phone's 108 MP sensor is refused; 40 MP is far more than a report needs
JPEG_QUALITY = 88


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    suffix: str
    lon_lat: tuple[float, float] | None  # from the photo's GPS block, when it had a usable one


def clean_photo(upload: Upload, max_bytes: int) -> CleanPhoto:
    """The photo re-encoded without metadata (a JPEG keeps GPS only); UnsafeFile when it is not a photo we take."""
    if not upload.data:
        raise UnsafeFile("public.error.photo-kind", file=upload.name)
    if len(upload.data) > max_bytes:
        raise UnsafeFile("upload.too-big", file=upload.name, limit=max_bytes // 1024 // 1024)
    try:
        with Image.open(io.BytesIO(upload.data)) as image:
            if image.format not in FORMATS:
                raise UnsafeFile("public.error.photo-kind", file=upload.name)
            if image.width * image.height > MAX_PIXELS:
                raise UnsafeFile("public.error.photo-pixels", file=upload.name)
            gps = dict(image.getexif().get_ifd(GPS_IFD)) if image.format == "JPEG" else {}
            upright = ImageOps.exif_transpose(image).copy()  # the orientation tag goes, so the pixels turn instead
            upright.info.clear()  # comments, ICC, XMP, DPI: Pillow writes what `info` still holds
            return CleanPhoto(_encode(upright, image.format, gps), FORMATS[image.format], gps_lon_lat(gps))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        if isinstance(exc, UnsafeFile):
            raise
        raise UnsafeFile("public.error.photo-kind", file=upload.name) from None


def _encode(image: Image.Image, fmt: str, gps: dict) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        exif = Image.Exif()
        if gps:
            exif[GPS_IFD] = gps
        rgb = image if image.mode in ("RGB", "L") else image.convert("RGB")
        rgb.save(out, "JPEG", quality=JPEG_QUALITY, exif=exif.tobytes() if gps else b"")
    elif fmt == "PNG":
        image.save(out, "PNG")  # no pnginfo: tEXt, iTXt, zTXt and eXIf chunks are not written
    else:
        image.save(out, "WEBP", quality=JPEG_QUALITY)
    return out.getvalue()


def gps_lon_lat(gps: dict) -> tuple[float, float] | None:
    """(lon, lat) of an EXIF GPS block (tags 1-4: references and degree/minute/second rationals)."""
    try:
        lat = _degrees(gps[2]) * (-1 if str(gps.get(1, "N")).upper().startswith("S") else 1)
        lon = _degrees(gps[4]) * (-1 if str(gps.get(3, "E")).upper().startswith("W") else 1)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return round(lon, 7), round(lat, 7)


def _degrees(value) -> float:
    d, m, s = (float(v) for v in value)
    return d + m / 60 + s / 3600
