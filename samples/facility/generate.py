"""Regenerate the facility sample submissions (two rounds, four areas) and their expected defects.

Run: .venv/bin/python samples/facility/generate.py   (deterministic; the outputs are committed)
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl

from audit.geo import from_wgs84

HERE = Path(__file__).resolve().parent
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"

# Good answers per checklist, written the way inspectors write them (mixed notations on purpose).
GOOD = {
    "curb-ramps": {
        "ramp_type": "三面坡",
        "slope": "1:14",
        "lip_height": "0",
        "width": "1.3m",
        "top_landing_depth": "1000",
        "warning_strip": "有",
        "grating_at_ramp": "无",
        "bollards": "否",
        "surface_non_slip": "是",
    },
    "tactile-paving": {
        "guiding_present": "是",
        "tactile_gaps": "0",
        "tactile_obstructions": "0",
        "crossings_without_ramp": "0",
        "strip_width": "300",
        "colour_contrast": "是",
        "warning_at_ends": "是",
        "headroom": "2.2",
        "clear_width": "2.5",
        "grating_opening": "10",
    },
    "wheelchair-ramps": {
        "slope": "1:12",
        "constrained_short": "否",
        "cross_slope": "1:60",
        "rise": "600",
        "width": "1.5",
        "landing_length": "1.5",
        "handrails_both_sides": "是",
        "handrail_height": "850",
        "edge_protection": "是",
        "surface_non_slip": "是",
    },
    "entrances-doors": {
        "entrance_type": "平坡出入口",
        "approach_slope": "3%",
        "new_build": "否",
        "door_type": "自动门",
        "door_width": "1100",
        "threshold_height": "0",
        "opening_force": "不适用",
        "closer_time": "不适用",
        "glass_marking": "是",
        "gate_lane_width": "不适用",
    },
    "accessible-toilets": {
        "provision": "独立无障碍厕所",
        "room_area": "4.5",
        "turning_diameter": "1.5",
        "door_opening": "推拉",
        "door_width": "90cm",
        "grab_bars": "是",
        "call_button": "是",
        "call_button_height": "450",
        "seat_height": "450",
        "accessible_basin": "是",
        "floor_non_slip": "是",
        "opens_from_outside": "是",
        "route_accessible": "是",
    },
    "parking": {
        "total_bays": "150",
        "accessible_bays": "2",
        "aisle_width": "1.2",
        "aisle_level": "是",
        "bay_slope": "1:60",
        "ground_marking": "是",
        "upright_sign": "是",
        "distance_to_entrance": "30",
    },
    "lifts": {
        "accessible_lift": "是",
        "car_depth": "1.6",
        "car_width": "1.4",
        "door_width": "900",
        "call_button_height": "1.0",
        "lobby_depth": "2.0",
        "braille_buttons": "是",
        "car_handrails": "是",
        "announcements": "是",
    },
    "service-counters": {
        "low_counter": "是",
        "counter_height": "780",
        "knee_width": "800",
        "knee_height": "700",
        "knee_depth": "500",
        "turning_space": "1.6",
        "self_service_low": "是",
    },
    "signage": {
        "sign_present": "是",
        "visible_seated": "是",
        "directional_chain": "是",
        "symbol_correct": "是",
        "audible_warning": "是",
        "sign_condition": "完好",
    },
    "scenic-spots": {
        "step_free_access": "是",
        "ticket_lane": "是",
        "low_counter": "是",
        "tactile_map": "是",
        "wheelchair_loan": "是",
        "path_gradient": "4%",
        "rest_wheelchair_space": "是",
        "water_edge_railing": "是",
        "route_signed": "是",
        "accessible_information": "是",
    },
}

# A defect: (field, value as written, the check it must fail). Each site: id, name, lon, lat (WGS-84), and
# per round the defects it has. Round 2025q4 fixes some and finds new ones.
SITES = {
    "curb-ramps": [
        (
            "CS-C01",
            "五一大道×黄兴中路 东北角",
            112.97712,
            28.19652,
            {"2025q2": [("slope", "10%", "curb-ramp-slope-other")], "2025q4": []},
        ),
        (
            "CS-C02",
            "五一大道×黄兴中路 西南角",
            112.97668,
            28.19598,
            {
                "2025q2": [("lip_height", "2cm", "curb-ramp-no-lip")],
                "2025q4": [("lip_height", "2cm", "curb-ramp-no-lip")],
            },
        ),
        (
            "CS-C03",
            "五一大道×蔡锷中路 北侧",
            112.98380,
            28.19640,
            {"2025q2": [("ramp_type", "无坡道", "curb-ramp-present")], "2025q4": []},
        ),
        (
            "CS-C04",
            "黄兴南路×解放西路",
            112.97690,
            28.18940,
            {"2025q2": [], "2025q4": [("warning_strip", "无", "curb-ramp-warning-strip")]},
        ),
        (
            "CS-C05",
            "芙蓉中路×人民西路",
            112.98730,
            28.19210,
            {"2025q2": [("slope", "4.8°", None)], "2025q4": [("slope", "4.8°", None)]},
        ),
    ],
    "tactile-paving": [
        (
            "CS-R01",
            "五一大道（黄兴路—芙蓉路）北侧人行道",
            None,
            None,
            {
                "2025q2": [
                    ("tactile_gaps", "120-135; 410-418", "tactile-continuity"),
                    ("tactile_obstructions", "POINT", "tactile-no-obstruction"),
                ],
                "2025q4": [("tactile_gaps", "410-418", "tactile-continuity")],
            },
        ),
        (
            "CS-R02",
            "黄兴南路步行街 东侧",
            None,
            None,
            {"2025q2": [("crossings_without_ramp", "260", "tactile-crossing-ramps")], "2025q4": []},
        ),
        (
            "CS-R03",
            "芙蓉中路 西侧人行道",
            None,
            None,
            {
                "2025q2": [],
                "2025q4": [
                    ("tactile_obstructions", "310 4m 共享单车", "tactile-no-obstruction"),
                    ("colour_contrast", "否", "tactile-contrast"),
                ],
            },
        ),
    ],
    "accessible-toilets": [
        ("CS-T01", "五一广场公共厕所", 112.97700, 28.19600, {"2025q2": [], "2025q4": []}),
        (
            "CS-T02",
            "橘子洲头公共厕所",
            112.95900,
            28.17300,
            {"2025q2": [("door_opening", "内开", "toilet-room-door")], "2025q4": []},
        ),
        (
            "CS-T03",
            "岳麓山东门公共厕所",
            112.94000,
            28.18300,
            {
                "2025q2": [("room_area", "3.2㎡", "toilet-room-area")],
                "2025q4": [("room_area", "3.2㎡", "toilet-room-area")],
            },
        ),
        (
            "CS-T04",
            "湖南省博物馆公共厕所",
            112.99200,
            28.21200,
            {"2025q2": [("call_button", "无", "toilet-call-device")], "2025q4": []},
        ),
    ],
    "entrances-doors": [
        (
            "CS-E01",
            "湖南省政务服务中心 南门",
            112.98500,
            28.23000,
            {"2025q2": [("threshold_height", "30", "door-threshold")], "2025q4": []},
        ),
        (
            "CS-E02",
            "长沙市图书馆 主入口",
            112.94400,
            28.22700,
            {
                "2025q2": [("door_width", "750", "door-width-blocking"), ("door_width", "750", "door-width-automatic")],
                "2025q4": [("door_width", "750", "door-width-blocking"), ("door_width", "750", "door-width-automatic")],
            },
        ),
        ("CS-E03", "湖南省博物馆 东入口", 112.99200, 28.21250, {"2025q2": [], "2025q4": []}),
    ],
    "wheelchair-ramps": [
        (
            "CS-W01",
            "湖南省政务服务中心 南门坡道",
            112.98505,
            28.22990,
            {"2025q2": [("slope", "9%", "ramp-slope")], "2025q4": []},
        ),
        (
            "CS-W02",
            "长沙市图书馆 侧门坡道",
            112.94410,
            28.22690,
            {
                "2025q2": [("slope", "1:7", "ramp-slope"), ("slope", "1:7", "ramp-slope-blocking")],
                "2025q4": [("slope", "rise 150 run 1800", None)],
            },
        ),
    ],
    "lifts": [
        (
            "CS-L01",
            "湖南省政务服务中心 1号无障碍电梯",
            112.98510,
            28.23010,
            {"2025q2": [("car_depth", "1.3", "lift-car-depth")], "2025q4": [("car_depth", "1.3", "lift-car-depth")]},
        )
    ],
    "service-counters": [
        (
            "CS-S01",
            "湖南省政务服务中心 综合窗口",
            112.98515,
            28.23015,
            {"2025q2": [("counter_height", "1000", "counter-height")], "2025q4": []},
        )
    ],
    "signage": [
        (
            "CS-G01",
            "湖南省政务服务中心 一层导向标识",
            112.98520,
            28.23020,
            {"2025q2": [("visible_seated", "否", "sign-visible-seated")], "2025q4": []},
        )
    ],
    "parking": [
        (
            "CS-P01",
            "五一广场地下停车场",
            112.97750,
            28.19550,
            {"2025q2": [("accessible_bays", "1", "parking-bays-share")], "2025q4": []},
        ),
        (
            "SS-P01",
            "韶山景区游客中心停车场",
            112.52550,
            27.91550,
            {
                "2025q2": [("aisle_width", "1.0", "parking-aisle-width")],
                "2025q4": [("aisle_width", "1.0", "parking-aisle-width")],
            },
        ),
        ("MS-P01", "莽山五指峰景区停车场", 112.98300, 24.95200, {"2025q2": [], "2025q4": []}),
    ],
}
SCENIC = [
    (
        "SS-S01",
        "韶山景区游客中心",
        112.52600,
        27.91600,
        "visitor-centre",
        {"2025q2": [("wheelchair_loan", "否", "scenic-wheelchair-loan")], "2025q4": []},
    ),
    (
        "SS-S02",
        "毛泽东同志故居",
        112.52850,
        27.92200,
        "attraction",
        {
            "2025q2": [("step_free_access", "否", "scenic-step-free")],
            "2025q4": [("step_free_access", "否", "scenic-step-free")],
        },
    ),
    ("SS-S03", "毛泽东广场", 112.52400, 27.91900, "attraction", {"2025q2": [], "2025q4": []}),
    (
        "WL-S01",
        "武陵源标志门入口",
        110.54800,
        29.34750,
        "entrance",
        {"2025q2": [("ticket_lane", "否", "scenic-ticket-lane")], "2025q4": []},
    ),
    (
        "WL-S02",
        "宝峰湖",
        110.55600,
        29.33700,
        "attraction",
        {
            "2025q2": [("path_gradient", "7%", "scenic-path-gradient")],
            "2025q4": [("path_gradient", "7%", "scenic-path-gradient")],
        },
    ),
    (
        "WL-S03",
        "武陵源游客中心",
        110.54650,
        29.34600,
        "visitor-centre",
        {"2025q2": [], "2025q4": [("low_counter", "无", "scenic-low-counter")]},
    ),
    ("MS-S01", "莽山五指峰景区入口", 112.98500, 24.95400, "entrance", {"2025q2": [], "2025q4": []}),
    (
        "MS-S02",
        "五指峰索道上站观景台",
        112.99500,
        24.96200,
        "viewing-platform",
        {"2025q2": [("water_edge_railing", "否", "scenic-railings")], "2025q4": []},
    ),
    (
        "MS-S03",
        "无障碍栈道休息点",
        112.99200,
        24.96000,
        "rest-point",
        {
            "2025q2": [("rest_wheelchair_space", "否", "scenic-rest-space")],
            "2025q4": [("rest_wheelchair_space", "否", "scenic-rest-space")],
        },
    ),
]
ROADS = {  # WGS-84 lines; metres along them are chainages
    "CS-R01": [(112.9580, 28.1965), (112.9760, 28.1962), (112.9950, 28.1960)],
    "CS-R02": [(112.9765, 28.1930), (112.9770, 28.1850)],
    "CS-R03": [(112.9875, 28.2050), (112.9870, 28.1850)],
}
OBSTRUCTION_POINT = (112.96320, 28.19645)  # a pole on the R01 strip, recorded as a GeoJSON point

SPOT_TYPE_ZH = {
    "entrance": "景区入口",
    "visitor-centre": "游客中心",
    "attraction": "景点",
    "viewing-platform": "观景台",
    "rest-point": "休息点",
}
CREW = {"CS": "长沙市住建局 周敏", "SS": "湘潭市住建局 刘洋", "WL": "张家界市住建局 田军", "MS": "郴州市住建局 邓芳"}
DATES = {"2025q2": "2025-05-20", "2025q4": "2025-11-18"}


def row_values(checklist: str, defects: list) -> dict[str, str]:
    values = dict(GOOD[checklist])
    for field, value, _ in defects:
        values[field] = value
    return values


def headers_zh(checklist: str, catalog) -> dict[str, str]:
    return {f.id: f.label["zh"] for f in catalog.checklists[checklist].fields}


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def template_rows(checklist, sites, rnd, catalog, crs="wgs84"):
    labels = headers_zh(checklist, catalog)
    fields = list(labels)
    header = ["编号", "设施名称", "检查人", "检查日期", "经度", "纬度", "坐标系", *[labels[f] for f in fields], "照片"]
    rows = []
    for sid, name, lon, lat, defects in sites:
        values = row_values(checklist, defects[rnd])
        x, y = from_wgs84(lon, lat, crs)
        photo = f"{sid}.jpg" if defects[rnd] else ""
        rows.append(
            [
                sid,
                name,
                CREW[sid[:2]],
                DATES[rnd],
                f"{x:.6f}",
                f"{y:.6f}",
                crs,
                *[values.get(f, "") for f in fields],
                photo,
            ]
        )
    return header, rows


def main() -> None:
    from audit.catalog import load_catalog

    catalog = load_catalog()
    expected: dict[str, dict[str, list[str]]] = {}
    for rnd in ("2025q2", "2025q4"):
        folder = HERE / f"round-{rnd}"
        folder.mkdir(exist_ok=True)
        exp = expected.setdefault(rnd, {})
        for checklist, sites in SITES.items():
            for sid, _, _, _, defects in sites:
                exp[f"facility:{checklist}:{sid}"] = sorted({c for _, _, c in defects[rnd] if c})
                if defects[rnd] and checklist != "tactile-paving":
                    (folder / f"{sid}.jpg").write_bytes(JPEG + sid.encode())
        # Changsha toilets: UTF-8 with BOM, points picked on Amap (GCJ-02).
        write_csv(
            folder / "changsha-toilets.csv",
            *template_rows("accessible-toilets", SITES["accessible-toilets"], rnd, catalog, "gcj02"),
            "utf-8-sig",
        )
        # Changsha crossings: GBK CSV from an older Excel, GPS (WGS-84).
        write_csv(
            folder / "changsha-crossings-gbk.csv",
            *template_rows("curb-ramps", SITES["curb-ramps"], rnd, catalog),
            "gbk",
        )
        # Building items: XLSX (entrances), plain UTF-8 CSVs for the others; Baidu (BD-09) for the lifts.
        header, rows = template_rows("entrances-doors", SITES["entrances-doors"], rnd, catalog)
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "检查表"
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        book.save(folder / "changsha-entrances.xlsx")
        for checklist, crs in (
            ("wheelchair-ramps", "wgs84"),
            ("lifts", "bd09"),
            ("service-counters", "gcj02"),
            ("signage", "wgs84"),
        ):
            write_csv(
                folder / f"changsha-{checklist}.csv",
                *template_rows(checklist, SITES[checklist], rnd, catalog, crs),
                "utf-8",
            )
        write_csv(
            folder / "parking-gbk.csv", *template_rows("parking", SITES["parking"], rnd, catalog, "gcj02"), "gb18030"
        )
        (folder / "changsha-roads.geojson").write_text(
            json.dumps(roads_geojson(rnd), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        write_odk(folder / "shaoshan-scenic-odk.csv", [s for s in SCENIC if s[0].startswith("SS")], rnd, catalog, exp)
        write_kobo(
            folder / "wulingyuan-mangshan-scenic-kobo.csv",
            [s for s in SCENIC if not s[0].startswith("SS")],
            rnd,
            catalog,
            exp,
        )
    write_expected(county_keyed(expected, catalog))


def county_keyed(expected: dict[str, dict[str, list[str]]], catalog) -> dict[str, dict[str, list[str]]]:
    """Facility keys carry the county each facility lies in: the ingest itself says where each sample row lands."""
    from audit.facility.ingest import IngestOptions
    from audit.runs.facility import read_files

    keyed = {}
    for rnd, exp in expected.items():
        files = sorted(p for p in (HERE / f"round-{rnd}").iterdir() if p.suffix in (".csv", ".xlsx", ".geojson"))
        rows = [s for r in read_files(files, catalog, IngestOptions()) for s in r.rows]
        placed = {f"facility:{s.checklist}:{s.submission_id}": s.key for s in rows}
        keyed[rnd] = {placed.get(k, k): v for k, v in exp.items()}
    return keyed


def write_expected(expected: dict[str, dict[str, list[str]]]) -> None:
    (HERE / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
    )


def roads_geojson(rnd: str) -> dict:
    features = []
    for sid, name, _, _, defects in SITES["tactile-paving"]:
        values = row_values("tactile-paving", [d for d in defects[rnd] if d[1] != "POINT"])
        props = {"submission_id": sid, "name": name, "inspector": CREW["CS"], "inspected_on": DATES[rnd], **values}
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "LineString", "coordinates": [list(p) for p in ROADS[sid]]},
            }
        )
        if any(d[1] == "POINT" for d in defects[rnd]):
            features.append(
                {
                    "type": "Feature",
                    "properties": {"segment": sid, "defect": "obstruction", "length_m": 1, "note": "电线杆立在盲道上"},
                    "geometry": {"type": "Point", "coordinates": list(OBSTRUCTION_POINT)},
                }
            )
    return {"type": "FeatureCollection", "name": f"changsha-roads-{rnd}", "features": features}


def _scenic_values(spot_type: str, defects: list) -> dict[str, str]:
    values = row_values("scenic-spots", defects)
    values = {k: {"是": "yes", "否": "no", "无": "no"}.get(v, v) for k, v in values.items()}
    values["spot_type"] = spot_type
    return values


def write_odk(path: Path, spots, rnd, catalog, exp) -> None:
    fields = [f.id for f in catalog.checklists["scenic-spots"].fields]
    header = [
        "SubmissionDate",
        "name",
        "inspector",
        "inspected_on",
        "location-Latitude",
        "location-Longitude",
        "location-Altitude",
        "location-Accuracy",
        *fields,
        "photos",
        "notes",
        "meta-instanceID",
        "KEY",
        "SubmitterID",
        "SubmitterName",
        "Status",
    ]
    rows = []
    for n, (sid, name, lon, lat, spot_type, defects) in enumerate(spots, start=1):
        values = _scenic_values(spot_type, defects[rnd])
        exp[f"facility:scenic-spots:{sid}"] = sorted({c for _, _, c in defects[rnd] if c})
        rows.append(
            [
                f"{DATES[rnd]}T10:{n:02d}:00.000Z",
                name,
                CREW[sid[:2]],
                DATES[rnd],
                f"{lat:.6f}",
                f"{lon:.6f}",
                "120.5",
                "4.8",
                *[values.get(f, "") for f in fields],
                "",
                "",
                sid,
                sid,
                "7",
                CREW[sid[:2]],
                "",
            ]
        )
    write_csv(path, header, rows, "utf-8")


def write_kobo(path: Path, spots, rnd, catalog, exp) -> None:
    fields = [f.id for f in catalog.checklists["scenic-spots"].fields]
    header = [
        "start",
        "end",
        "name",
        "inspector",
        "inspected_on",
        "location",
        "_location_latitude",
        "_location_longitude",
        "_location_altitude",
        "_location_precision",
        *fields,
        "photos",
        "notes",
        "_id",
        "_uuid",
        "_submission_time",
        "_validation_status",
        "_status",
        "_submitted_by",
        "_tags",
        "_index",
    ]
    rows = []
    for n, (sid, name, lon, lat, spot_type, defects) in enumerate(spots, start=1):
        values = _scenic_values(spot_type, defects[rnd])
        exp[f"facility:scenic-spots:{sid}"] = sorted({c for _, _, c in defects[rnd] if c})
        rows.append(
            [
                "",
                "",
                name,
                CREW[sid[:2]],
                DATES[rnd],
                f"{lat:.6f} {lon:.6f} 300 5",
                f"{lat:.6f}",
                f"{lon:.6f}",
                "300",
                "5",
                *[values.get(f, "") for f in fields],
                "",
                "",
                str(1000 + n),
                sid,
                f"{DATES[rnd]}T08:{n:02d}:00",
                "",
                "submitted_via_web",
                CREW[sid[:2]],
                "",
                str(n),
            ]
        )
    write_csv(path, header, rows, "utf-8")


if __name__ == "__main__":
    main()
