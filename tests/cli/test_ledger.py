"""`a11y-audit ledger list|export` on a real SQLite store: filters by area and state, the three formats, and
a facility name that looks like a formula stays text in CSV and XLSX."""

from __future__ import annotations

import csv
import json

import openpyxl
from click.testing import CliRunner

from audit.cli import cli
from audit.model import Outcome
from audit.model.problems import Seen, assign, inspect
from audit.store import open_store

AT = "2025-05-01T08:00:00+00:00"
HOSTILE = '=HYPERLINK("http://evil.example/","点我")'


def seed(path) -> dict[str, str]:
    store = open_store(path)
    yuelu = inspect(
        None,
        Seen(
            "facility:accessible-toilets:430104:T1",
            "toilet-door-width",
            Outcome.FAIL,
            "2025-01-10",
            1,
            "serious",
            "430104",
            HOSTILE,
            {"text": "700mm"},
            "≥800mm",
        ),
        AT,
    )
    xiangtan = inspect(
        None,
        Seen(
            "facility:accessible-toilets:430302:T2",
            "toilet-room-area",
            Outcome.FAIL,
            "2025-03-01",
            1,
            "moderate",
            "430302",
            "湘潭公厕",
            3.1,
            "≥4",
        ),
        AT,
    )
    given = assign(xiangtan[0], "xt-unit", "2025-04-01", "official", AT)
    store.put_problems([yuelu, xiangtan])
    store.put_problems([given])
    store.close()
    return {"yuelu": yuelu[0].reference, "xiangtan": given[0].reference}


def run(db, *args, lang="en"):
    return CliRunner().invoke(cli, ["--db", db, "--lang", lang, "ledger", *args])


def test_list_filters_by_area_and_state(tmp_path):
    db = str(tmp_path / "l.db")
    refs = seed(db)
    everything = run(db, "list")
    assert everything.exit_code == 0, everything.output
    lines = everything.output.splitlines()
    assert len(lines) == 2 and refs["xiangtan"] in lines[0] and "!" in lines[0]  # overdue first
    assert refs["yuelu"] in run(db, "list", "--area", "430100").output
    assert refs["xiangtan"] not in run(db, "list", "--area", "430100").output
    assigned = json.loads(run(db, "list", "--status", "assigned", "--json").output)
    assert [r["reference"] for r in assigned] == [refs["xiangtan"]] and assigned[0]["unit"] == "xt-unit"
    assert "整改中" in run(db, "list", "--status", "assigned", lang="zh").output
    assert "no problems match" in run(db, "list", "--status", "verified").output


def test_bad_filters_fail_in_both_languages(tmp_path):
    db = str(tmp_path / "b.db")
    seed(db)
    bad_area = run(db, "list", "--area", "4301")
    assert bad_area.exit_code == 1 and "错误" in bad_area.output and "6-digit" in bad_area.output
    assert run(db, "list", "--status", "closed").exit_code == 1


def test_export_json_csv_and_xlsx(tmp_path):
    db = str(tmp_path / "e.db")
    refs = seed(db)
    out = tmp_path / "out"
    for fmt in ("json", "csv", "xlsx"):
        done = run(db, "export", "--format", fmt, "-o", str(out / f"ledger.{fmt}"))
        assert done.exit_code == 0 and "2 problems exported" in done.output, done.output
    rows = json.loads((out / "ledger.json").read_text(encoding="utf-8"))
    assert {r["reference"] for r in rows} == set(refs.values())
    assert next(r for r in rows if r["reference"] == refs["yuelu"])["subject"] == HOSTILE  # JSON keeps data as is
    with (out / "ledger.csv").open(encoding="utf-8-sig", newline="") as stream:
        table = list(csv.reader(stream))
    assert table[0][0] == "Reference" and len(table) == 3
    assert "'" + HOSTILE in [cell for row in table for cell in row]
    sheet = openpyxl.load_workbook(out / "ledger.xlsx").active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "'" + HOSTILE in values and HOSTILE not in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    only = run(db, "export", "--format", "json", "--area", "430300", "-o", str(out / "xt.json"))
    assert only.exit_code == 0
    assert [r["reference"] for r in json.loads((out / "xt.json").read_text(encoding="utf-8"))] == [refs["xiangtan"]]
