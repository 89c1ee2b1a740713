"""Campaign states, round snapshots, the service's tables and withdrawal, on SQLite and PostGIS alike."""

from __future__ import annotations

import pytest

from audit.model import Category, Finding, Outcome, Subject

KEY = "facility:accessible-toilets:430104:yl-001"


def _subject(name: str, lon: float, inspector: str = "周敏", on: str = "2025-05-20") -> Subject:
    return Subject(
        key=KEY,
        kind="facility",
        category=Category.TOILETS,
        name=name,
        area_code="430104",
        geometry={"type": "Point", "coordinates": [lon, 28.19]},
        attributes={"inspector": inspector, "inspected_on": on, "photos": ["a.jpg"]},
    )


def test_a_campaign_opens_closes_reopens_and_only_one_is_open_per_area_and_period(any_store):
    campaign = any_store.open_campaign("2025q3", None, "2025-07-01", "2025-09-30")
    assert (campaign.state, campaign.area_code, campaign.started_at[:10]) == ("open", None, "2025-07-01")
    assert any_store.find_open_campaign(None, "2025-07-01").id == campaign.id
    assert any_store.find_open_campaign("430104", "2025-07-01") is None
    with pytest.raises(ValueError):
        any_store.open_campaign("again", None, "2025-07-01", "2025-09-30")
    closed = any_store.set_campaign_state(campaign.id, "closed")
    assert closed.state == "closed" and any_store.find_open_campaign(None, "2025-07-01") is None
    assert [c.id for c in any_store.campaigns("2025-07-01", "closed")] == [campaign.id]
    successor = any_store.open_campaign("2025q3 bis", None, "2025-07-01", "2025-09-30")
    with pytest.raises(ValueError):  # reopening would make two open campaigns for one area and period
        any_store.set_campaign_state(campaign.id, "open")
    any_store.set_campaign_state(successor.id, "closed")
    assert any_store.set_campaign_state(campaign.id, "open").is_open
    web = any_store.begin_round("web")
    with pytest.raises(ValueError):
        any_store.set_campaign_state(web.id, "closed")
    assert web.state is None and [c.id for c in any_store.campaigns()] == [campaign.id, successor.id]


def test_each_round_keeps_its_own_snapshot(any_store):
    first = any_store.open_campaign("2025q2", None, "2025-04-01", "2025-06-30")
    second = any_store.open_campaign("2025q3", None, "2025-07-01", "2025-09-30")
    old, new = _subject("旧名", 112.93), _subject("新名", 112.95, inspector="李华", on="2025-08-02")
    any_store.upsert_subjects([old])
    any_store.put_snapshots(first.id, [old])
    any_store.upsert_subjects([new])
    any_store.put_snapshots(second.id, [new], upload_id=7)
    [then] = any_store.snapshots(first.id)
    [now] = any_store.snapshots(second.id, keys=[KEY])
    assert (then.name, then.geometry["coordinates"][0], then.attributes["inspected_on"]) == (
        "旧名",
        112.93,
        "2025-05-20",
    )
    assert (now.name, now.attributes["inspector"]) == ("新名", "李华")
    assert any_store.get_subject(KEY).name == "新名"
    assert list(any_store.snapshots(first.id, keys=["facility:other"])) == []


def test_withdrawing_an_upload_removes_only_the_rows_it_last_wrote(any_store):
    user = any_store.add_account("yuelu", "hash", "inspector", "2025-07-01T00:00:00+00:00", "e", ["430104"])
    campaign = any_store.open_campaign("2025q3", None, "2025-07-01", "2025-09-30")
    subject = _subject("公厕", 112.93)
    any_store.upsert_subjects([subject])
    upload = any_store.log_upload(user, "yuelu", "2025-07-02T00:00:00+00:00", "api", "accessible-toilets", [])
    any_store.put_snapshots(campaign.id, [subject], upload_id=upload)
    any_store.add_findings(campaign.id, [Finding(KEY, "toilet.door-width", Outcome.PASS)])
    any_store.finish_upload(upload, "accepted", "2025-07-02T00:00:01+00:00", campaign.id, [KEY])
    assert any_store.withdraw_upload(upload, "admin", "2025-07-03T00:00:00+00:00") == [KEY]
    assert list(any_store.findings(campaign.id)) == [] and list(any_store.snapshots(campaign.id)) == []
    record = any_store.upload(upload)
    assert (record.result, record.subjects, record.withdrawn_by) == ("accepted", [KEY], "admin")
    assert any_store.withdraw_upload(upload, "admin", "2025-07-04T00:00:00+00:00") == []


def test_accounts_tokens_and_settings_live_behind_the_store(any_store):
    user = any_store.add_account("xiangtan", "h1", "inspector", "2025-07-01T00:00:00+00:00", "", ["430300", "430300"])
    assert any_store.account(username="xiangtan").areas == ("430300",)
    assert not any_store.set_password_hash(user, "h2", replacing="not-h1")
    assert any_store.set_password_hash(user, "h2", replacing="h1")
    any_store.set_session_epoch(user, "e1", only_if_empty=True)
    any_store.set_session_epoch(user, "e2", only_if_empty=True)  # not empty any more: kept
    assert any_store.account(user_id=user).session_epoch == "e1"
    any_store.add_token("digest", user, "phone", "2025-07-01T00:00:00+00:00")
    assert any_store.account_by_token("digest").username == "xiangtan"
    any_store.set_account_active(user, False)
    assert any_store.account_by_token("digest") is None
    assert any_store.revoke_tokens(user) == 1 and any_store.revoke_tokens(user) == 0
    assert any_store.setting("key", "first") == "first" and any_store.setting("key", "second") == "first"
