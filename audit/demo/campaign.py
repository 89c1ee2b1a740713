"""The demo's field campaigns run as people run them, through the upload service over HTTP on 127.0.0.1.

Two inspectors (different counties) upload their rounds' files on different days into one campaign; an official
assigns the problems in their area to a responsible unit with a deadline; the unit reports some fixed with a note
and a photo; the second campaign's uploads verify some problems and reopen others by themselves; a resident's
public report (随手拍) is accepted into the ledger by the official."""

from __future__ import annotations

import http.cookiejar
import io
import json
import re
import secrets
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from audit.catalog import load_catalog
from audit.service import ServiceConfig, create_app
from audit.service.accounts import Accounts
from audit.service.server import ServerThread, make_server

# who takes part: (user name, role, areas); areas are GB/T 2260 codes
PEOPLE = (
    ("admin", "admin", ()),
    ("hunan-official", "official", ("430000",)),  # 湖南省住建厅: assigns and moderates in the whole province
    ("zhou-min", "inspector", ("430102", "430103", "430104", "430105", "430111")),  # 长沙市住建局 周敏: 5 districts
    ("liu-yang", "inspector", ("430382", "430811", "431022")),  # 韶山市, 武陵源区, 宜章县 (莽山)
    ("cs-works", "unit", ("430100",)),  # 长沙市 a responsible unit (整改责任单位)
)
# which files each inspector carries: by name prefix; a file shared by both is split by its rows' 编号
FILES = {"zhou-min": ("changsha-",), "liu-yang": ("shaoshan-", "wulingyuan-")}
SHARED = {"parking-gbk.csv": {"CS-": "zhou-min"}}  # rows of other prefixes: the other inspector
PHOTOS = {"zhou-min": ("CS-",)}  # the rest of a round's photos: the other inspector
CHECKLISTS = {
    "changsha-crossings-gbk.csv": "curb-ramps",
    "changsha-lifts.csv": "lifts",
    "changsha-service-counters.csv": "service-counters",
    "changsha-signage.csv": "signage",
    "changsha-toilets.csv": "accessible-toilets",
    "changsha-wheelchair-ramps.csv": "wheelchair-ramps",
    "parking-gbk.csv": "parking",
    "shaoshan-scenic-odk.csv": "scenic-spots",
    "wulingyuan-mangshan-scenic-kobo.csv": "scenic-spots",
    "changsha-entrances.xlsx": "entrances-doors",
    "changsha-roads.geojson": "tactile-paving",
}
LATER_BY_DAYS = {"liu-yang": 7}  # the second inspector went out a week later: their rows carry those dates
OFFICIAL_AREA = "430100"  # the official gives Changsha's problems to the unit
UNIT, DEADLINE = "cs-works", "2025-09-30"
# what the unit reports fixed (facility 编号 -> its note); the next campaign's inspection tells if it was
RECTIFIED = {
    "CS-W02": "坡道已按 1:12 重新砌筑 / ramp rebuilt at 1:12",
    "CS-E02": "已更换为 900 mm 宽的门 / door replaced, 900 mm wide",
    "CS-T03": "已拆除隔墙扩大面积 / partition removed to enlarge the room",
}
PUBLIC_REPORT = {  # a resident at 五一广场's public toilet: the way in has a step
    "kind": "accessible-toilets",
    "description": "五一广场公共厕所无障碍厕所门口有一级台阶，轮椅进不去。",
    "place": "五一广场公共厕所",
    "lat": "28.19050",
    "lon": "112.97720",
    "location_source": "map",
}
PUBLIC_CHECK, PUBLIC_FACILITY = "toilet-route", "CS-T01"
DATE = re.compile(rb"\b(20\d\d)-(\d\d)-(\d\d)\b")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class DemoError(RuntimeError):
    """A step of the campaign did not go as users would expect: the service's answer is in the message."""


@dataclass
class CampaignLog:
    """What the demo did through the service, for its summary and its tests."""

    uploads: list[dict] = field(default_factory=list)  # inspector, campaign, file, round_id, facilities
    assigned: list[str] = field(default_factory=list)
    rectified: list[str] = field(default_factory=list)
    public_report: str | None = None
    public_problem: str | None = None


class Client:
    """One person's HTTP client: a bearer token for the API, or a signed-in session (cookies) for pages."""

    def __init__(self, base: str, token: str | None = None):
        self.base, self.token = base, token
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def send(self, method: str, path: str, fields: dict | None = None) -> tuple[int, bytes, str]:
        """(status, body, final URL); `fields` is sent as multipart (a file is a (bytes, name) pair)."""
        headers, data = {}, None
        if fields is not None:
            boundary, data = encode_multipart(_form(fields))
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read(), response.url
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), exc.url

    def json(self, method: str, path: str, fields: dict | None = None, expect: int = 200) -> dict:
        status, body, _ = self.send(method, path, fields)
        if status != expect:
            raise DemoError(f"{method} {path}: {status} {body[:600].decode('utf-8', 'replace')}")
        return json.loads(body)

    def form(self, page: str, action: str, fields: dict) -> tuple[int, str, str]:
        """Fill in a page's form as a browser would: its CSRF token from the page, then the post."""
        _, body, _ = self.send("GET", page)
        token = CSRF.search(body.decode("utf-8"))
        status, answer, url = self.send("POST", action, {**fields, "csrf_token": token.group(1) if token else ""})
        return status, answer.decode("utf-8", "replace"), url


class DemoService:
    """The upload service (waitress) on a free 127.0.0.1 port in a thread of this process, on the demo's DB."""

    def __init__(self, db: Path, photos: Path, maps: Path, reports: Path, lang: str):
        config = ServiceConfig(db=str(db), lang=lang, photos_dir=photos, maps_dir=maps, reports_dir=reports)
        self.app = create_app(config, load_catalog(None))
        self.server = ServerThread(make_server(self.app, config, "127.0.0.1", 0, threads=4), "demo-service").start()
        self.base = f"http://127.0.0.1:{self.server.port}"

    @property
    def store(self):
        return self.app.extensions["a11y"].stores.get()

    def close(self) -> None:
        self.server.stop()
        self.app.extensions["a11y"].stores.close()


class DemoCampaign:
    """The campaign part of the demo: `round_one`, `round_two` (each a step returning 0), then `close`."""

    def __init__(self, plan, invoke: Callable, say: Callable[[str], None], samples: Path):
        self.plan, self.invoke, self.say, self.samples = plan, invoke, say, samples
        self.service: DemoService | None = None
        self.people: dict[str, Client] = {}
        self.passwords: dict[str, str] = {}
        self.log = CampaignLog()

    # -- the steps ---------------------------------------------------------------------------------
    def round_one(self, label: str) -> int:
        """Open the campaign, start the service, the inspectors upload, the official assigns, the unit fixes."""
        campaign = self._open(label)
        self._start()
        self._upload_all(label, campaign)
        self._assign()
        self._rectify()
        return 0

    def round_two(self, label: str) -> int:
        """The next campaign's uploads (the ledger follows them), then a resident's report accepted; summary."""
        campaign = self._open(label)
        self._upload_all(label, campaign)
        self._public_report()
        for line in self.summary():
            self.say(line)
        return 0

    def close(self) -> None:
        if self.service is not None:
            self.service.close()
            self.service = None

    # -- what people do ----------------------------------------------------------------------------
    def _open(self, label: str) -> str:
        """An administrator opens the province's campaign for the quarter (`a11y-audit rounds open`)."""
        base = ["--db", str(self.plan.db), "--lang", self.plan.lang]
        if self.invoke(base + ["rounds", "open", "--period", label, "--area", "430000", "--label", label]) != 0:
            raise DemoError(f"rounds open {label} failed")
        return label

    def _start(self) -> None:
        photos = Path(f"{self.plan.db}.photos")
        self.service = DemoService(self.plan.db, photos, self.plan.maps, self.plan.reports, self.plan.lang)
        accounts = Accounts(self.service.store)
        for name, role, areas in PEOPLE:
            self.passwords[name] = secrets.token_urlsafe(12)
            accounts.add(name, self.passwords[name], role, areas)
            self.people[name] = Client(self.service.base, accounts.new_token(name, "demo"))

    def _upload_all(self, label: str, campaign: str) -> None:
        """Each inspector sends each of their files (one checklist per upload) with their photos, naming the
        campaign; the service matches the photos each row names."""
        folder = self.samples / f"round-{label}"
        for inspector in FILES:
            photos = [
                (p.read_bytes(), p.name) for p in sorted(folder.glob("*.jpg")) if self._carries(inspector, p.name)
            ]
            for name, data in self._files(folder, inspector):
                fields = {"checklist": CHECKLISTS[name], "campaign": campaign, "files": (data, name), "photos": photos}
                answer = self.people[inspector].json("POST", "/api/submissions", fields, expect=201)
                self.log.uploads.append(
                    {
                        "inspector": inspector,
                        "campaign": campaign,
                        "file": name,
                        "upload_id": answer["upload_id"],
                        "round_id": answer["round_id"],
                        "facilities": [f["key"] for f in answer["facilities"]],
                    }
                )

    def _carries(self, inspector: str, name: str) -> bool:
        mine = PHOTOS.get(inspector)
        if mine is not None:
            return name.startswith(mine)
        return not any(name.startswith(prefix) for prefixes in PHOTOS.values() for prefix in prefixes)

    def _files(self, folder: Path, inspector: str) -> list[tuple[str, bytes]]:
        """This inspector's files of the round, a shared file cut to their rows, dates moved to their day."""
        files = []
        for path in sorted(folder.iterdir()):
            if path.name not in CHECKLISTS:
                continue
            data = path.read_bytes()
            if path.name in SHARED:
                data = _rows_of(data, SHARED[path.name], inspector)
            elif not path.name.startswith(FILES[inspector]):
                continue
            if path.suffix != ".xlsx":  # a zip: its dates are not text to move
                data = _later(data, LATER_BY_DAYS.get(inspector, 0))
            files.append((path.name, data))
        return files

    def _assign(self) -> None:
        """The official gives each open problem of Changsha to the unit, with a deadline."""
        official = self.people["hunan-official"]
        listed = official.json("GET", f"/api/ledger/problems?area={OFFICIAL_AREA}&status=open&limit=1000")
        for problem in listed["problems"]:
            fields = {"unit": UNIT, "deadline": DEADLINE, "note": "请于期限内整改 / fix by the deadline"}
            official.json("POST", f"/api/ledger/problems/{problem['id']}/assign", fields)
            self.log.assigned.append(problem["id"])

    def _rectify(self) -> None:
        """The unit reports its fixes of some facilities, each with a note and a photo of the work."""
        unit = self.people[UNIT]
        photo = _photo((120, 160, 120))
        for problem in unit.json("GET", "/api/ledger/problems?status=assigned&limit=1000")["problems"]:
            facility = problem["subject_key"].rsplit(":", 1)[-1]
            if facility in RECTIFIED:
                fields = {"note": RECTIFIED[facility], "photo": (photo, f"{facility}-fixed.jpg")}
                unit.json("POST", f"/api/ledger/problems/{problem['id']}/rectify", fields)
                self.log.rectified.append(problem["id"])

    def _public_report(self) -> None:
        """A resident reports by the public page (no account); the official accepts it into the ledger."""
        resident = Client(self.service.base)
        photo = _photo((150, 140, 130))
        status, body, url = resident.form("/report", "/report", {**PUBLIC_REPORT, "photo": (photo, "step.jpg")})
        found = re.search(r"/report/(R-[A-Z2-7]{8})", url)
        if status != 200 or not found:
            raise DemoError(f"public report refused: {status} {_errors(body)}")
        ref = self.log.public_report = found.group(1)
        official = Client(self.service.base)
        signed = official.form(
            "/login", "/login", {"username": "hunan-official", "password": self.passwords["hunan-official"]}
        )
        if signed[0] != 200:
            raise DemoError(f"official's sign-in failed: {signed[0]}")
        facility = next(key for u in self.log.uploads for key in u["facilities"] if key.endswith(":" + PUBLIC_FACILITY))
        fields = {"check": PUBLIC_CHECK, "subject": facility}
        status, body, _ = official.form(f"/moderation/{ref}", f"/moderation/{ref}/accept", fields)
        accepted = self.service.store.public_report(ref)
        if status != 200 or accepted is None or accepted.state != "accepted":
            raise DemoError(f"public report {ref} not accepted: {status}")
        self.log.public_problem = accepted.problem_id

    # -- what it came to ---------------------------------------------------------------------------
    def summary(self) -> list[str]:
        store = self.service.store
        by_campaign = Counter((u["campaign"], u["inspector"]) for u in self.log.uploads)
        statuses = Counter(p.status for p in store.problems() if p.subject_key.startswith("facility:"))
        lines = ["检查轮次 / campaigns (uploads by inspector):"]
        lines += [f"  {campaign} {who}: {count}" for (campaign, who), count in sorted(by_campaign.items())]
        lines.append("设施问题台账 / facility ledger: " + ", ".join(f"{s} {n}" for s, n in sorted(statuses.items())))
        lines.append(f"随手拍 / public report {self.log.public_report} → problem {self.log.public_problem}")
        return lines


def _photo(colour: tuple[int, int, int]) -> bytes:
    """A small real JPEG (the public page re-encodes photos, so it must decode): a plain picture."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(out, "JPEG", quality=80)
    return out.getvalue()


def _errors(page: str) -> list[str]:
    """The error summary's items of a refused form page."""
    summary = page.split('id="error-summary"', 1)[-1].split("</div>", 1)[0]
    return re.findall(r"<a [^>]*>([^<]+)</a>", summary)


def _form(fields: dict) -> MultiDict:
    """Form fields for encode_multipart: text as it is, a (bytes, name) pair as a file, a list of them as files."""
    form = MultiDict()
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            form.add(key, FileStorage(io.BytesIO(item[0]), item[1]) if isinstance(item, tuple) else item)
    return form


def _rows_of(data: bytes, owners: dict[str, str], inspector: str) -> bytes:
    """The header and the rows of a CSV whose first column (编号) starts with a prefix this inspector owns
    (rows of no listed prefix belong to whoever owns none); the file's own encoding and line ends kept."""
    lines = data.splitlines(keepends=True)
    owned = [prefix.encode() for prefix, who in owners.items() if who == inspector]
    others = [prefix.encode() for prefix, who in owners.items() if who != inspector]
    keep = [
        line for line in lines[1:] if (line.startswith(tuple(owned)) if owned else not line.startswith(tuple(others)))
    ]
    return b"".join([lines[0], *keep])


def _later(data: bytes, days: int) -> bytes:
    """Every date in the file moved `days` later (a visit on another day); ASCII dates in any encoding."""
    if not days:
        return data

    def moved(match: re.Match) -> bytes:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3))) + timedelta(days=days)
        return day.isoformat().encode()

    return DATE.sub(moved, data)
