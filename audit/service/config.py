"""Settings of one service instance: store, limits on uploads, where photos, maps and reports live."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MiB = 1024 * 1024


@dataclass(frozen=True)
class ServiceConfig:
    db: str
    checklists: str | None = None
    lang: str = "zh"
    # the province (GB/T 2260 code) uploads must lie in; None: the store's (`areas load`), else 430000 Hunan
    region: str | None = None
    max_request_bytes: int = 32 * MiB  # the whole multipart request: files and photos together
    max_file_bytes: int = 10 * MiB  # one checklist file
    max_rows: int = 5000  # rows over all files of one submission
    max_files: int = 10
    max_photos: int = 100
    max_unzipped_bytes: int = 64 * MiB  # an XLSX expanded: more than this is treated as a zip bomb
    max_zip_ratio: int = 200  # expanded / compressed size of one member of an XLSX
    photos_dir: Path = Path("uploads/photos")
    maps_dir: Path = Path("maps")
    reports_dir: Path = Path("reports")
    secure_cookies: bool = False  # set behind a TLS proxy: cookies then travel over HTTPS only
    # throttles ("N per period", the `limits` notation); only failed attempts count (docs/service.md)
    login_limit_account: str = "10 per 15 minutes"  # failed sign-ins for one user name, from anywhere
    login_limit_address: str = "30 per 15 minutes"  # failed sign-ins from one client address, any user name
    token_limit_address: str = "30 per 15 minutes"  # API requests with a wrong bearer token, per client address
    throttle_storage: str = "memory://"  # per process; several processes share e.g. redis://host:6379
    # public reports (随手拍, no account): submissions per client address, photo size, the map's base tiles
    public_report_limit: str = "10 per hour"
    public_photo_bytes: int = 8 * MiB
    public_map_tiles: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"  # WGS-84 tiles; "" for no base map

    def __post_init__(self) -> None:
        if self.region is not None:
            from audit.areas import check_region

            object.__setattr__(self, "region", check_region(self.region))  # UnknownRegion lists the valid codes

    def region_for(self, store) -> str:
        """The configured region, else the one the store was loaded for, else Hunan."""
        from audit.areas import DEFAULT_REGION, store_region

        return self.region or store_region(store) or DEFAULT_REGION
