"""sites.txt: the real portals, one per line as URL, division code, name."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from audit.areas import get_area, hunan_areas

SITES = Path(__file__).resolve().parents[2] / "sites.txt"


def entries() -> list[tuple[str, str, str]]:
    rows = []
    for line in SITES.read_text(encoding="utf-8").splitlines():
        line = line.split(" #")[0].strip()
        if line and not line.startswith("#"):
            url, code, name = line.split(None, 2)
            rows.append((url, code, name))
    return rows


def test_province_federation_and_every_city():
    rows = entries()
    assert len(rows) == 16
    codes = [code for _, code, _ in rows]
    assert codes.count("430000") == 2
    assert set(codes) - {"430000"} == {a.code for a in hunan_areas(level="city")}
    assert any("残疾人联合会" in name for _, _, name in rows)


def test_each_line_is_well_formed():
    for url, code, name in entries():
        parts = urlsplit(url)
        assert parts.scheme == "https" and parts.netloc and parts.path == "/", url
        area = get_area(code)
        assert area is not None, code
        if area.level == "city":
            assert name == f"{area.name}人民政府"
    assert len({url for url, _, _ in entries()}) == 16
