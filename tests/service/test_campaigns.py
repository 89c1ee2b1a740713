"""Campaigns through the service: uploads of many inspectors join one campaign, a closed one refuses them,
each round keeps its own snapshot, and an upload can be withdrawn (issue 11)."""

from __future__ import annotations

import io

from audit.render.map.data import collect
from audit.render.view import RoundView
from audit.runs.facility import campaign_period
from tests.service.conftest import JPEG, bearer, csrf_of, fixture_bytes
from tests.service.test_uploads import submit

YUELU = ("toilets.csv", fixture_bytes("toilets.csv"))
SHAOSHAN = ("toilets-shaoshan.csv", fixture_bytes("toilets-shaoshan.csv"))
PHOTO = [("door1.jpg", JPEG)]
KEY = "facility:accessible-toilets:430104:yl-001"


def _store(app):
    return app.extensions["a11y"].stores.get()


def _upload(app, token, files, photos=PHOTO):
    return submit(app.test_client(), token, files, photos)


def test_two_inspectors_uploading_join_one_campaign_and_one_map_shows_both(app, tokens, catalog):
    first = _upload(app, tokens["yuelu"], [YUELU])
    second = _upload(app, tokens["xiangtan"], [SHAOSHAN], photos=())
    assert (first.status_code, second.status_code) == (201, 201), (first.json, second.json)
    assert first.json["round_id"] == second.json["round_id"]
    campaign = _store(app).get_round(first.json["round_id"])
    label, start, end = campaign_period(None)
    assert (campaign.state, campaign.label, campaign.period_start, campaign.period_end) == ("open", label, start, end)
    keys = {f["key"] for f in first.json["facilities"] + second.json["facilities"]}
    view = RoundView.load(_store(app), campaign.id, catalog.policy.version)
    items = collect([view], catalog.policy.version).items
    mapped = {item.subject.key for item in items if item.subject.key.startswith("facility:")}
    assert mapped == keys and {k.split(":")[2] for k in keys} == {"430104", "430382"}


def test_a_closed_campaign_refuses_uploads_with_a_clear_message_and_a_record(app, tokens):
    round_id = _upload(app, tokens["yuelu"], [YUELU]).json["round_id"]
    _store(app).set_campaign_state(round_id, "closed")
    refused = _upload(app, tokens["yuelu"], [YUELU])
    assert refused.status_code == 409 and refused.json["result"] == "refused"
    assert "已关闭" in refused.json["problems"][0]["message"]
    english = submit(app.test_client(), tokens["yuelu"], [YUELU], PHOTO, lang="en")
    assert "is closed and takes no more uploads" in english.json["problems"][0]["message"]
    record = _store(app).upload(refused.json["upload_id"])
    assert (record.result, record.round_id) == ("refused", None)
    _store(app).set_campaign_state(round_id, "open")  # reopened: it takes uploads again, into the same round
    assert _upload(app, tokens["yuelu"], [YUELU]).json["round_id"] == round_id


def test_an_old_round_still_shows_the_old_name_and_place(app, tokens, catalog):
    old_round = _upload(app, tokens["yuelu"], [YUELU]).json["round_id"]
    store = _store(app)
    store.set_campaign_state(old_round, "closed")
    _, start, end = campaign_period(None)
    new_round = store.open_campaign("岳麓区复查", "430104", start, end).id  # narrower: later uploads join it
    moved = fixture_bytes("toilets.csv").replace("岳麓山东门公厕".encode(), "岳麓山东门公厕（新址）".encode())
    moved = moved.replace(b"112.9386,28.1860", b"112.9390,28.1870")
    again = _upload(app, tokens["yuelu"], [("toilets.csv", moved)])
    assert again.status_code == 201 and again.json["round_id"] == new_round
    version = catalog.policy.version
    before = RoundView.load(store, old_round, version).subjects[KEY]
    after = RoundView.load(store, new_round, version).subjects[KEY]
    assert (before.name, before.geometry["coordinates"]) == ("岳麓山东门公厕", [112.9386, 28.186])
    assert (after.name, after.geometry["coordinates"]) == ("岳麓山东门公厕（新址）", [112.939, 28.187])
    assert before.attributes["inspector"] == after.attributes["inspector"]


def test_the_same_id_in_two_files_of_one_upload_is_an_error_naming_both(app, tokens):
    response = _upload(app, tokens["yuelu"], [YUELU, ("again.csv", fixture_bytes("toilets.csv"))])
    assert response.status_code == 422 and response.json["result"] == "rejected"
    problems = [p for p in response.json["problems"] if p.get("key") == "facility.id.duplicate-file"]
    assert {(p["file"], p["row"]) for p in problems} == {("again.csv", 2), ("again.csv", 3)}
    assert "toilets.csv" in problems[0]["message"] and "第2行" in problems[0]["message"]
    assert _store(app).rounds("facility") == []


def test_withdrawal_takes_an_upload_out_of_the_scores_and_keeps_it_in_the_log(app, tokens):
    client = app.test_client()
    mine = _upload(app, tokens["yuelu"], [YUELU]).json
    theirs = _upload(app, tokens["xiangtan"], [SHAOSHAN], photos=()).json
    round_id = mine["round_id"]
    url = f"/api/uploads/{mine['upload_id']}/withdraw"
    assert client.post(url, headers=bearer(tokens["xiangtan"])).status_code == 404  # not theirs
    assert client.post(url, headers=bearer(tokens["viewer"])).status_code == 403
    done = client.post(url, headers=bearer(tokens["yuelu"]))
    assert done.status_code == 200, done.json
    assert sorted(done.json["withdrawn"]) == sorted(f["key"] for f in mine["facilities"])
    scores = client.get(f"/api/rounds/{round_id}/scores", headers=bearer(tokens["viewer"])).json
    scored = {s["subject_key"] for s in scores["scores"] if s["subject_key"].startswith("facility:")}
    assert scored == {f["key"] for f in theirs["facilities"]}
    record = client.get(f"/api/uploads/{mine['upload_id']}", headers=bearer(tokens["yuelu"])).json
    assert (record["result"], record["withdrawn_by"]) == ("accepted", "yuelu") and record["withdrawn_at"]
    again = client.post(url, headers=bearer(tokens["yuelu"]))
    assert again.status_code == 409 and again.json["error"] == "withdraw-already" and "已于" in again.json["message"]
    _store(app).set_campaign_state(round_id, "closed")
    other = client.post(f"/api/uploads/{theirs['upload_id']}/withdraw", headers=bearer(tokens["admin"]))
    assert other.status_code == 409  # a closed campaign is frozen, even for an admin


def test_withdrawing_an_upload_keeps_the_rows_a_later_upload_replaced(app, tokens):
    client = app.test_client()
    first = _upload(app, tokens["yuelu"], [YUELU]).json
    second = _upload(app, tokens["yuelu"], [YUELU]).json  # the same facilities again, same campaign
    done = client.post(f"/api/uploads/{first['upload_id']}/withdraw", headers=bearer(tokens["admin"]))
    assert done.status_code == 200 and done.json["withdrawn"] == []
    scores = client.get(f"/api/rounds/{second['round_id']}/scores", headers=bearer(tokens["viewer"])).json
    assert sum(s["subject_key"].startswith("facility:") for s in scores["scores"]) == 2


def test_withdrawal_reruns_the_circle_step_so_a_circle_no_longer_counts_the_withdrawn_facilities(app, tokens):
    theirs = _upload(app, tokens["xiangtan"], [SHAOSHAN], photos=()).json
    round_id, store = theirs["round_id"], _store(app)
    withdrawn = {f["key"] for f in theirs["facilities"]}

    def counted() -> set[str]:
        return {e["key"] for f in store.findings(round_id, "circle:shaoshan") for e in f.evidence}

    assert counted() & withdrawn  # the Shaoshan circle is assessed from the uploaded toilets
    done = app.test_client().post(f"/api/uploads/{theirs['upload_id']}/withdraw", headers=bearer(tokens["admin"]))
    assert done.status_code == 200, done.json
    assert counted() & withdrawn == set()


def test_an_upload_joins_the_campaign_it_names_by_id_or_label(app, tokens):
    store = _store(app)
    default = _upload(app, tokens["yuelu"], [YUELU]).json["round_id"]  # today's quarter, by default
    special = store.open_campaign("2025年专项检查", "430100", "2025-05-01", "2025-06-30").id
    by_label = submit(app.test_client(), tokens["yuelu"], [YUELU], PHOTO, campaign="2025年专项检查")
    assert by_label.status_code == 201 and by_label.json["round_id"] == special != default
    by_id = submit(app.test_client(), tokens["admin"], [SHAOSHAN], (), campaign=str(default))
    assert by_id.status_code == 201 and by_id.json["round_id"] == default
    assert KEY in store.audited_keys(special) and KEY in store.audited_keys(default)


def test_an_unknown_or_closed_campaign_is_refused_naming_the_files_and_what_was_expected(app, tokens):
    store = _store(app)
    open_one = store.open_campaign("2025q2", "430000", "2025-04-01", "2025-06-30")
    unknown = submit(app.test_client(), tokens["yuelu"], [YUELU], PHOTO, campaign="2024q9")
    assert unknown.status_code == 422 and unknown.json["result"] == "rejected"
    [problem] = unknown.json["problems"]
    assert (problem["field"], problem["value"], problem["key"]) == (
        "campaign",
        "2024q9",
        "service.upload.campaign-unknown",
    )
    assert "toilets.csv" in problem["message"] and "2024q9" in problem["message"]
    assert f"{open_one.id} 2025q2" in problem["message"]  # what it could have been
    english = submit(app.test_client(), tokens["yuelu"], [YUELU], PHOTO, campaign="2024q9", lang="en")
    assert "does not exist; expected the id or label of an open campaign" in english.json["problems"][0]["message"]
    store.set_campaign_state(open_one.id, "closed")
    closed = submit(app.test_client(), tokens["yuelu"], [YUELU], PHOTO, campaign="2025q2", lang="en")
    assert closed.status_code == 409 and closed.json["result"] == "refused"
    assert "is closed and takes no more uploads" in closed.json["problems"][0]["message"]
    assert store.audited_keys(open_one.id) == set()
    assert {r.result for r in store.uploads()} == {"rejected", "refused"}


def test_an_inspector_may_upload_only_into_a_campaign_overlapping_their_areas(app, tokens):
    store = _store(app)
    xiangtan = store.open_campaign("湘潭市复查", "430300", "2025-04-01", "2025-06-30")
    refused = submit(app.test_client(), tokens["yuelu"], [YUELU], PHOTO, campaign=str(xiangtan.id))
    assert refused.status_code == 403 and refused.json["result"] == "refused"
    assert "430104" in refused.json["problems"][0]["message"] and "430300" in refused.json["problems"][0]["message"]
    # an admin may choose it, but a campaign holds only rows of its own area
    outside = submit(app.test_client(), tokens["admin"], [YUELU], PHOTO, campaign=str(xiangtan.id))
    assert outside.status_code == 422
    assert {(p["file"], p["key"]) for p in outside.json["problems"]} == {
        ("toilets.csv", "service.upload.campaign-row-outside")
    }
    assert store.audited_keys(xiangtan.id) == set()


def test_the_upload_form_offers_the_open_campaigns_of_ones_areas(app, signed_in):
    store = _store(app)
    mine = store.open_campaign("长沙市专项", "430100", "2025-04-01", "2025-06-30")
    other = store.open_campaign("湘潭市复查", "430300", "2025-04-01", "2025-06-30")
    client = signed_in("yuelu")
    page = client.get("/upload").get_data(as_text=True)
    assert f'<option value="{mine.id}"' in page and f'<option value="{other.id}"' not in page
    assert '<label for="campaign">' in page
    token = csrf_of(page.encode())
    data = {
        "csrf_token": token,
        "checklist": "accessible-toilets",
        "campaign": str(mine.id),
        "files": [(io.BytesIO(YUELU[1]), YUELU[0])],
        "photos": [(io.BytesIO(JPEG), "door1.jpg")],
    }
    response = client.post("/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_data(as_text=True)[-1500:]
    assert KEY in store.audited_keys(mine.id)


BAD = "facility:accessible-toilets:430104:yl-002"  # door 700 mm, no grab bars, no call button


def _problems_of(store, key: str) -> dict[str, str]:
    return {p.check_id: p.status for p in store.problems(subject_keys=[key])}


def test_withdrawing_an_upload_removes_the_problems_only_it_found_and_keeps_those_people_acted_on(app, tokens):
    from audit.model.problems import assign
    from audit.runs.ledger import now_iso

    store = _store(app)
    mine = _upload(app, tokens["yuelu"], [YUELU]).json
    found = store.problems(subject_keys=[BAD])
    assert len(found) >= 2 and {p.status for p in found} == {"open"}
    assigned = found[0]
    store.put_problems([assign(assigned, "岳麓区住建局", "2099-12-31", "official", now_iso())])
    done = app.test_client().post(f"/api/uploads/{mine['upload_id']}/withdraw", headers=bearer(tokens["yuelu"]))
    assert done.status_code == 200, done.json
    # the problems no inspection stands behind any more are gone with their history; the one an official has
    # assigned stays assigned: people's decisions are not undone by the inspector
    assert _problems_of(store, BAD) == {assigned.check_id: "assigned"}
    assert all(store.problem_events(p.id) == [] for p in found if p.id != assigned.id)
    assert store.upload(mine["upload_id"]).withdrawn_by == "yuelu"


def test_withdrawing_an_upload_returns_the_problems_it_verified_to_their_state_before(app, tokens):
    store = _store(app)
    first = _upload(app, tokens["yuelu"], [YUELU]).json
    opened = _problems_of(store, BAD)
    assert opened and set(opened.values()) == {"open"}
    store.set_campaign_state(first["round_id"], "closed")
    store.open_campaign("复查", "430100", "2026-11-01", "2026-12-31")
    fixed = YUELU[1].decode("utf-8").replace("700,no,no", "900,yes,yes").encode("utf-8")
    second = submit(app.test_client(), tokens["yuelu"], [("toilets.csv", fixed)], PHOTO, campaign="复查").json
    assert second["round_id"] != first["round_id"]
    assert set(_problems_of(store, BAD).values()) == {"verified"}
    done = app.test_client().post(f"/api/uploads/{second['upload_id']}/withdraw", headers=bearer(tokens["admin"]))
    assert done.status_code == 200, done.json
    assert _problems_of(store, BAD) == opened  # open again, as before the withdrawn re-inspection
    for problem in store.problems(subject_keys=[BAD]):
        assert problem.closed_at is None and problem.last_round == first["round_id"]
        last = store.problem_events(problem.id)[-1]
        assert (last.from_status, last.to_status, last.by) == ("verified", "open", "admin")
        assert last.detail == {"withdrawn_upload": second["upload_id"]}
