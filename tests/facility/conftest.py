"""Fixtures of the facility tests: sample folders, a reader bound to the catalog, and small file builders."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from audit.facility.ingest import IngestOptions, read_submission

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "facility"
TOILET_HEADER = [
    "编号",
    "设施名称",
    "经度",
    "纬度",
    "坐标系",
    "无障碍设施形式",
    "无障碍厕所面积",
    "门的开启方式",
    "入口门净宽（mm）",
]


@pytest.fixture
def read(catalog):
    def run(data: bytes, filename: str, **options) -> object:
        return read_submission(data, filename, catalog, IngestOptions(**options))

    return run


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def toilet_row(
    sid: str = "T1", lon: str = "112.977", lat: str = "28.196", crs: str = "wgs84", **values: str
) -> list[str]:
    base = {"provision": "独立无障碍厕所", "area": "4.5", "door": "推拉", "width": "900"}
    base.update(values)
    return [sid, "公厕", lon, lat, crs, base["provision"], base["area"], base["door"], base["width"]]
