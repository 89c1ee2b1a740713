"""Facility ingest benchmark: generated submissions read, validated, evaluated, stored and scored (issue 17).

Cases (`--case`, default all): `legacy` (ten checklists, about ten checks a row, plain CSV), `csv` (a realistic
accessible-toilets file: 15 checks a row, GCJ-02, Chinese headers, mixed notations), `xlsx` (the same rows as
XLSX), `reupload` (the csv file uploaded twice into one campaign; the second upload is timed). Each case runs
in a child process so its peak RSS is its own. Run with `--help` for the options; docs/bench.md explains it.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples" / "facility"))

from generate import GOOD

from audit.catalog import load_catalog
from audit.facility.ingest import IngestOptions
from audit.runs.facility import ingest, read_files
from audit.store import open_store

BAD = {
    "slope": "1:8",
    "door_width": "700",
    "room_area": "3",
    "provision": "无",
    "ramp_type": "无坡道",
    "tactile_gaps": "20-35; 80",
    "accessible_bays": "0",
    "counter_height": "950",
    "sign_present": "否",
    "step_free_access": "否",
    "car_depth": "1.2",
    "entrance_type": "仅有台阶",
}


def generate(folder: Path, rows: int, catalog, seed: int = 7) -> list[Path]:
    """One CSV per checklist; points spread over central Hunan; about one row in four has a defect."""
    rng = random.Random(seed)
    checklists = sorted(GOOD)
    paths = []
    per_file = rows // len(checklists)
    for index, checklist_id in enumerate(checklists):
        fields = [f.id for f in catalog.checklists[checklist_id].fields]
        segment = checklist_id == "tactile-paving"
        header = ["submission_id", "name", "coord_system", *(["geometry"] if segment else ["lon", "lat"]), *fields]
        path = folder / f"{checklist_id}.csv"
        count = per_file + (rows - per_file * len(checklists) if index == 0 else 0)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for n in range(count):
                lon, lat = rng.uniform(111.2, 113.4), rng.uniform(26.3, 28.8)
                values = dict(GOOD[checklist_id])
                if checklist_id == "scenic-spots":
                    values["spot_type"] = rng.choice(["entrance", "visitor-centre", "attraction"])
                if rng.random() < 0.25:
                    field = rng.choice([f for f in fields if f in BAD] or fields[:1])
                    values[field] = BAD.get(field, "否")
                where = (
                    [f"{lon:.6f} {lat:.6f}, {lon + 0.004:.6f} {lat:.6f}"] if segment else [f"{lon:.6f}", f"{lat:.6f}"]
                )
                writer.writerow(
                    [
                        f"B{n}",
                        f"{checklist_id} {n}",
                        rng.choice(["wgs84", "gcj02", "bd09"]),
                        *where,
                        *[values.get(f, "") for f in fields],
                    ]
                )
        paths.append(path)
    return paths


# -- the realistic file: one checklist (accessible toilets, 15 checks a row), as inspectors fill it in ----------
TOILET_LABELS = {
    "provision": "无障碍设施形式",
    "room_area": "无障碍厕所面积",
    "turning_diameter": "轮椅回转直径",
    "door_opening": "门的开启方式",
    "stall_depth": "无障碍厕位进深",
    "stall_width": "无障碍厕位宽度",
    "door_width": "入口门净宽",
    "grab_bars": "坐便器两侧设安全抓杆",
    "call_button": "设救助呼叫装置",
    "call_button_height": "呼叫按钮高度",
    "seat_height": "坐便器高度",
    "accessible_basin": "设无障碍洗手盆",
    "floor_non_slip": "地面防滑、无积水",
    "opens_from_outside": "门锁可从外部应急开启",
    "route_accessible": "通往厕所的路线无障碍",
}
REALISTIC_HEADER = ["编号", "设施名称", "检查人", "检查日期", "经度", "纬度", "坐标系", *TOILET_LABELS.values(), "备注"]
YES, NO = ("是", "有", "yes", "Y", "√"), ("否", "无", "no")
# Good and bad answers in the notations seen in real files: units written or not, cm/m/mm, ㎡, Chinese words.
NOTATIONS = {
    "room_area": (("4.5", "4.5㎡", "5平方米", "4.8m2", "6"), ("3", "3.5㎡")),
    "turning_diameter": (("1.5", "1.5m", "150cm", "1500mm", "1.6米"), ("1.2", "120cm")),
    "door_opening": (("推拉", "外开门", "推拉式", "sliding", "外开"), ("内开", "内开门")),
    "door_width": (("900", "90cm", "0.9m", "900mm", "1000", "1.0米"), ("700", "75cm")),
    "call_button_height": (("450", "45cm", "0.45m", "500mm"), ("1100", "110cm")),
    "seat_height": (("450", "45cm", "0.45m", "450mm"), ("350", "600")),
}
INSPECTORS = ("长沙市住建局 周敏", "湘潭市住建局 刘洋", "株洲市住建局 王芳", "衡阳市住建局 陈刚", "岳阳市住建局 李娜")
DATES = ("2025-05-20", "2025/5/21", "2025年5月22日", "2025.05.23", "2025-5-24")


def realistic_rows(rows: int, seed: int = 17) -> list[list[str]]:
    """Header plus `rows` rows; GCJ-02 points over central Hunan; about one row in four has a defect."""
    rng = random.Random(seed)
    out = [REALISTIC_HEADER]
    for n in range(rows):
        lon, lat = rng.uniform(111.2, 113.4), rng.uniform(26.3, 28.8)
        stall = rng.random() < 0.3
        values = {
            "provision": "男女厕内无障碍厕位" if stall else "独立无障碍厕所",
            "stall_depth": rng.choice(("1.8", "1.8m", "180cm")) if stall else "",
            "stall_width": rng.choice(("1.0", "1m", "100cm")) if stall else "",
        }
        for field_id in TOILET_LABELS:
            if field_id in NOTATIONS:
                values[field_id] = rng.choice(NOTATIONS[field_id][0])
            elif field_id not in values:
                values[field_id] = rng.choice(YES)
        if rng.random() < 0.25:
            bad = rng.choice(list(TOILET_LABELS)[1:])
            values[bad] = (
                rng.choice(NOTATIONS[bad][1])
                if bad in NOTATIONS
                else rng.choice(NO)
                if bad not in ("stall_depth", "stall_width")
                else values[bad]
            )
        out.append(
            [
                f"T{n:06d}",
                f"公共厕所 {n}",
                rng.choice(INSPECTORS),
                rng.choice(DATES),
                f"{lon:.6f}",
                f"{lat:.6f}",
                rng.choice(("GCJ-02", "gcj02", "火星坐标")),
                *[values[f] for f in TOILET_LABELS],
                "" if rng.random() < 0.9 else "门口有台阶，已告知管理方",
            ]
        )
    return out


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    """Numbers as numbers and the rest as text, as a spreadsheet program saves what an inspector types."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("无障碍厕所")
    for row in rows:
        sheet.append([_typed(cell) for cell in row])
    book.save(path)
    return path


def _typed(cell: str) -> object:
    """A cell a spreadsheet would keep as a number, when its text reads back the same ('1.0' stays text:
    Excel would show 1, and the CSV and XLSX files would then say different things)."""
    try:
        number = float(cell)
    except ValueError:
        return cell
    value = int(number) if number.is_integer() else number
    return value if str(value) == cell else cell


def realistic_files(work: Path, rows: int) -> tuple[Path, Path]:
    """Generated once per row count into bench/.work/facility/ (seeded: the same bytes every time)."""
    work.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = work / f"toilets-{rows}.csv", work / f"toilets-{rows}.xlsx"
    if not csv_path.exists() or not xlsx_path.exists():
        table = realistic_rows(rows)
        write_xlsx(xlsx_path, table)
        write_csv(csv_path, table)
    return csv_path, xlsx_path


# -- what a run stored ---------------------------------------------------------------------------------
def digest(store) -> str:
    """SHA-256 over every finding and score of every round, read back as model objects (so a change of
    the stored encoding that reads back the same keeps the digest)."""
    h = hashlib.sha256()
    for round_ in store.rounds("facility"):
        for finding in store.findings(round_.id):
            h.update(_canonical(finding))
        for score in store.scores(round_.id):
            h.update(_canonical(score))
    return h.hexdigest()


def _canonical(item: object) -> bytes:
    from dataclasses import asdict

    return json.dumps(asdict(item), sort_keys=True, ensure_ascii=False, default=str).encode() + b"\n"


def stored_bytes(db: Path) -> tuple[int, dict[str, int]]:
    """(bytes in use, bytes per table with its indexes and per index), measured by dropping each index and
    then each table in a copy and counting the pages freed (the stdlib's SQLite has no dbstat)."""
    copy = db.with_name(db.name + ".sizes")
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(db, copy)
    con = sqlite3.connect(copy, isolation_level=None)

    def used() -> int:
        count, free, size = (
            con.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "freelist_count", "page_size")
        )
        return (count - free) * size

    total = used()
    sizes: dict[str, int] = {}
    objects = con.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('index', 'table') AND sql IS NOT NULL "
        "AND name NOT LIKE 'sqlite_%' "
        "ORDER BY type = 'table', name"
    ).fetchall()
    for kind, name in objects:
        before = used()
        con.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
        sizes[("index " if kind == "index" else "") + name] = before - used()
    con.close()
    copy.unlink()
    return total, {k: v for k, v in sorted(sizes.items(), key=lambda kv: -kv[1]) if v}


# -- one case, in its own process ------------------------------------------------------------------------
def run_case(case: str, rows: int, work: Path, folder: Path, sizes: bool) -> dict:
    catalog = load_catalog()
    if case == "legacy":
        paths = generate(folder, rows, catalog)
    else:
        csv_path, xlsx_path = realistic_files(work, rows)
        paths = [xlsx_path if case == "xlsx" else csv_path]
    db = folder / "bench.db"
    store = open_store(db)
    result: dict = {"case": case, "rows": rows, "load_before": os.getloadavg()}
    if case == "reupload":
        first = _timed(store, catalog, paths)
        result["first_upload"] = {k: first[k] for k in ("wall_s", "cpu_s")}
    # A few of the legacy generator's random points fall just outside Hunan (the box's south-west corner): errors,
    # and without --partial one bad row refuses the whole upload, so that case stores the rest.
    result.update(_timed(store, catalog, paths, partial=case == "legacy"))
    result["load_after"] = os.getloadavg()
    result["rounds"] = len(store.rounds("facility"))
    if rows <= 20_000:
        result["digest"] = digest(store)
    store.close()
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The reader's point worker (audit/facility/prefetch.py), forked: its RSS counts the pages it still shares
    # with this process, so it is shown beside the peak, not added to it.
    result["worker_peak_rss_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if sizes:
        total, by_table = stored_bytes(db)
        submissions = result["submissions"]
        result["bytes_per_submission"] = round(total / submissions)
        result["bytes_by_table"] = {k: round(v / submissions) for k, v in by_table.items()}
    return result


def _timed(store, catalog, paths: list[Path], partial: bool = False) -> dict:
    started, cpu_started = time.perf_counter(), _cpu()
    results = read_files(paths, catalog, IngestOptions(partial=partial))
    read_wall, read_cpu = time.perf_counter() - started, _cpu() - cpu_started
    report = ingest(store, catalog, results, "bench")
    return {
        "submissions": sum(len(r.rows) for r in results),
        "errors": sum(len(r.errors) for r in results),
        "subjects": report.subjects,
        "findings": report.findings,
        "read_wall_s": round(read_wall, 2),
        "read_cpu_s": round(read_cpu, 2),
        "wall_s": round(time.perf_counter() - started, 2),
        "cpu_s": round(_cpu() - cpu_started, 2),
    }


TARGETS = {"legacy": 60, "csv": 30, "xlsx": 60, "reupload": 30}
CASES = tuple(TARGETS)


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Facility ingest benchmark (issue 17): generated submissions read, validated, evaluated, "
        "stored in a fresh SQLite file and scored, one case per child process. Prints per case and then in "
        "one table: wall and CPU time, peak RSS, load average and the stored bytes per submission per round "
        "by table, each against its target.",
        epilog="Targets on the 2-core reference machine, 100,000 rows: csv < 30 s, xlsx < 60 s, re-upload < 30 s, "
        "legacy < 60 s, peak RSS < 1 GiB each. With --rows <= 20000 a digest of every finding and score is printed: "
        "compare it across code changes (`--digest-only`). Generated files are kept in bench/.work/facility/.",
    )
    parser.add_argument("--rows", type=int, default=100_000, help="submissions per case (default 100000)")
    parser.add_argument(
        "--case", action="append", choices=CASES, help="run only this case (repeatable; default: all four)"
    )
    parser.add_argument(
        "--sizes",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="measure stored bytes per submission per round, by table and index (default: on)",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--digest-only", action="store_true", help="print only the csv case's findings+scores digest")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = ROOT / "bench" / ".work" / "facility"
    if args.child:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(run_case(args.child, args.rows, work, Path(tmp), args.sizes)))
        return
    if args.digest_only:
        with tempfile.TemporaryDirectory() as tmp:
            print(run_case("csv", args.rows, work, Path(tmp), False)["digest"])
        return
    realistic_files(work, args.rows)  # generated before any timing
    results = []
    for case in args.case or CASES:
        command = [sys.executable, __file__, "--child", case, "--rows", str(args.rows)]
        output = subprocess.run(
            command + (["--sizes"] if args.sizes else ["--no-sizes"]), check=True, stdout=subprocess.PIPE, text=True
        )
        result = json.loads(output.stdout.strip().splitlines()[-1])
        results.append(result)
        _print(result)
    _summary(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))


def _print(r: dict) -> None:
    target = TARGETS[r["case"]] * r["rows"] / 100_000
    first = f" (first upload {r['first_upload']['wall_s']} s)" if "first_upload" in r else ""
    print(
        f"[{r['case']}] {r['submissions']:,} submissions ({r['errors']} errors), {r['findings']:,} findings, "
        f"{r['rounds']} round(s){first}"
    )
    print(
        f"  wall {r['wall_s']} s (target < {target:.0f} s), CPU {r['cpu_s']} s; read+validate {r['read_wall_s']} s wall, "
        f"{r['read_cpu_s']} s CPU; peak RSS {r['peak_rss_mib']:.0f} MiB (target < 1024; the point worker "
        f"{r['worker_peak_rss_mib']:.0f} MiB, mostly shared)"
    )
    print(f"  load average before {_load(r['load_before'])}, after {_load(r['load_after'])} on {os.cpu_count()} CPUs")
    if "digest" in r:
        print(f"  digest of findings and scores: {r['digest']}")
    if "bytes_per_submission" in r:
        top = ", ".join(f"{k} {v}" for k, v in list(r["bytes_by_table"].items())[:8])
        print(f"  stored: {r['bytes_per_submission']:,} bytes per submission per round ({top})")


def _summary(results: list[dict]) -> None:
    """Every figure of the run in one table, each against its target."""
    print("\ncase      rows     wall s  CPU s  target s  met  peak MiB  bytes/submission/round")
    for r in results:
        target = TARGETS[r["case"]] * r["rows"] / 100_000
        met = "yes" if r["wall_s"] < target and r["peak_rss_mib"] < 1024 else "no"
        size = f"{r['bytes_per_submission']:,}" if "bytes_per_submission" in r else "-"
        print(
            f"{r['case']:<9} {r['rows']:<8} {r['wall_s']:>6} {r['cpu_s']:>6} {target:>8.0f}  {met:<4} "
            f"{r['peak_rss_mib']:>8.0f}  {size}"
        )
    loads = [v for r in results for v in (r["load_before"][0], r["load_after"][0])]
    print(f"load average (1 min) during the run: {min(loads):.2f}–{max(loads):.2f} on {os.cpu_count()} CPUs")


def _cpu() -> float:
    """This process and its finished children: the point worker's CPU is part of the ingest's."""
    return sum(
        u.ru_utime + u.ru_stime for u in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    )


def _load(values: tuple[float, float, float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
