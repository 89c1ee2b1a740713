"""Withdrawing an upload from the HTML pages: the home page's link, the confirmation page, its form (issue 11)."""

from __future__ import annotations

import re
from html import unescape

from audit.runs import current_scores
from audit.service.accounts import Accounts
from tests.service.conftest import JPEG, csrf_of, fixture_bytes
from tests.service.test_uploads import submit

YUELU = ("toilets.csv", fixture_bytes("toilets.csv"))
SHAOSHAN = ("toilets-shaoshan.csv", fixture_bytes("toilets-shaoshan.csv"))
CONFIRM = "确认撤回".encode()


def _store(app):
    return app.extensions["a11y"].stores.get()


def _upload(app, token, files, photos=(("door1.jpg", JPEG),)) -> dict:
    response = submit(app.test_client(), token, files, photos)
    assert response.status_code == 201, response.json
    return response.json


def _page(client, upload_id: int, lang: str = ""):
    return client.get(f"/uploads/{upload_id}/withdraw" + (f"?lang={lang}" if lang else ""))


def _post(client, upload_id: int, token: str | None = None):
    data = {} if token is None else {"csrf_token": token}
    return client.post(f"/uploads/{upload_id}/withdraw", data=data)


def _confirm(client, upload_id: int):
    """Open the confirmation page and press its button, as a browser would."""
    page = _page(client, upload_id)
    assert page.status_code == 200 and CONFIRM in page.data, page.data
    return _post(client, upload_id, csrf_of(page.data))


def _text(response) -> str:
    return unescape(response.data.decode())


def _links(html: bytes) -> set[int]:
    return {int(n) for n in re.findall(rb'href="/uploads/(\d+)/withdraw"', html)}


def _facilities_scored(app, catalog, round_id: int) -> set[str]:
    return {
        s.subject_key for s in current_scores(_store(app), catalog, round_id) if s.subject_key.startswith("facility:")
    }


def test_the_home_page_links_each_upload_its_user_may_withdraw_now(app, tokens, signed_in):
    mine = _upload(app, tokens["yuelu"], [YUELU])["upload_id"]
    theirs = _upload(app, tokens["xiangtan"], [SHAOSHAN], ())["upload_id"]
    rejected = submit(app.test_client(), tokens["yuelu"], [("bad.csv", fixture_bytes("toilets-bad.csv"))])
    assert rejected.status_code == 422
    assert _links(signed_in("yuelu").get("/").data) == {mine}  # their own accepted one, not the rejected one
    assert _links(signed_in("xiangtan").get("/").data) == {theirs}
    assert _links(signed_in("admin").get("/").data) == {mine, theirs}
    viewer = signed_in("viewer").get("/").data
    assert str(mine).encode() in viewer and _links(viewer) == set()  # a viewer sees the log but withdraws nothing
    # each link says which upload it withdraws to a screen reader, not only "撤回"
    assert (
        f'/uploads/{mine}/withdraw">撤回<span class="vh"> 上传 {mine}</span></a>'.encode()
        in signed_in("yuelu").get("/").data
    )


def test_the_confirmation_page_names_the_upload_and_what_withdrawing_does(app, tokens, signed_in):
    upload = _upload(app, tokens["yuelu"], [YUELU])
    label = _store(app).get_round(upload["round_id"]).label
    page = _page(signed_in("yuelu"), upload["upload_id"])
    assert page.status_code == 200
    html = _text(page)
    assert f"撤回上传 {upload['upload_id']}" in html and "toilets.csv" in html and label in html
    assert "无障碍厕所与厕位" in html  # the checklist, by its title
    assert "这次上传的 2 个设施不再计入" in html and "上传日志" in html and "无法在此页面恢复" in html
    assert 'name="csrf_token"' in html and "确认撤回" in html and "取消，返回概览" in html
    english = _text(_page(signed_in("yuelu"), upload["upload_id"], lang="en"))
    assert "Withdraw upload" in english and "this upload's 2 facilities out of the scores" in english
    assert "Withdraw this upload" in english and "Cancel and go back to the overview" in english


def test_who_may_withdraw_from_the_page_is_what_the_api_allows(app, tokens, signed_in):
    mine = _upload(app, tokens["yuelu"], [YUELU])["upload_id"]
    theirs = _upload(app, tokens["xiangtan"], [SHAOSHAN], ())["upload_id"]
    yuelu = signed_in("yuelu")
    assert _page(yuelu, mine).status_code == 200
    # another inspector's upload, or one that does not exist, is not confirmed to exist: 404 on GET and POST
    for upload_id in (theirs, 999_999, 2**63):
        assert _page(yuelu, upload_id).status_code == 404
        assert _post(yuelu, upload_id, csrf_of(yuelu.get("/").data)).status_code == 404
    assert _page(signed_in("viewer"), mine).status_code == 403
    assert _post(signed_in("viewer"), mine).status_code == 403
    # an admin withdraws any upload
    admin = signed_in("admin")
    assert _confirm(admin, theirs).status_code == 303
    assert _store(app).upload(theirs).withdrawn_by == "admin"
    # an inspector whose areas no longer hold all the upload's facilities: 403, said on the page, no button
    Accounts(_store(app)).set_areas("yuelu", ("430300",))
    moved = signed_in("yuelu")
    page = _page(moved, mine)
    assert page.status_code == 403 and "只能撤回本人在所负责地区内的上传" in _text(page)
    assert CONFIRM not in page.data
    refused = _post(moved, mine, csrf_of(moved.get("/").data))
    assert refused.status_code == 403 and "只能撤回本人" in _text(refused)
    assert _store(app).upload(mine).withdrawn_at is None
    assert _links(moved.get("/").data) == set()


def test_a_withdrawal_without_the_csrf_token_is_refused(app, tokens, signed_in):
    mine = _upload(app, tokens["yuelu"], [YUELU])["upload_id"]
    client = signed_in("yuelu")
    assert _post(client, mine).status_code == 400
    assert _post(client, mine, "forged-token").status_code == 400
    assert _store(app).upload(mine).withdrawn_at is None


def test_withdrawing_takes_the_facilities_out_of_the_scores_keeps_the_log_and_says_so(app, tokens, signed_in, catalog):
    mine = _upload(app, tokens["yuelu"], [YUELU])
    theirs = _upload(app, tokens["xiangtan"], [SHAOSHAN], ())
    round_id = mine["round_id"]
    assert _facilities_scored(app, catalog, round_id) == {f["key"] for f in mine["facilities"] + theirs["facilities"]}
    client = signed_in("yuelu")
    done = _confirm(client, mine["upload_id"])
    assert done.status_code == 303 and done.headers["Location"] in ("/", "http://localhost/")
    home = _text(client.get("/"))
    assert (
        f'<p class="ok" role="status" id="done">已撤回上传 {mine["upload_id"]}：2 个设施不再计入轮次 {round_id} 的评分'
        in home
    )
    assert _facilities_scored(app, catalog, round_id) == {f["key"] for f in theirs["facilities"]}
    record = _store(app).upload(mine["upload_id"])
    assert (record.result, record.withdrawn_by) == ("accepted", "yuelu") and record.withdrawn_at
    assert f"已撤回（yuelu，{record.withdrawn_at}）" in home and mine["upload_id"] not in _links(home.encode())
    assert "已撤回上传" not in _text(client.get("/"))  # the message is shown once
    # once more: the page says when it was withdrawn and offers no button; a replayed POST is a 409
    again = _page(client, mine["upload_id"])
    assert again.status_code == 200 and f"已于 {record.withdrawn_at} 撤回" in _text(again)
    assert CONFIRM not in again.data
    replay = _post(client, mine["upload_id"], csrf_of(client.get("/").data))
    assert replay.status_code == 409 and f"已于 {record.withdrawn_at} 撤回" in _text(replay)
    assert CONFIRM not in replay.data


def test_a_closed_campaign_offers_no_withdrawal_and_refuses_one_with_409(app, tokens, signed_in, catalog):
    mine = _upload(app, tokens["yuelu"], [YUELU])
    store = _store(app)
    store.set_campaign_state(mine["round_id"], "closed")
    label = store.get_round(mine["round_id"]).label
    admin = signed_in("admin")
    assert _links(admin.get("/").data) == set()
    page = _page(admin, mine["upload_id"], lang="en")
    assert page.status_code == 200 and f'campaign "{label}" is closed; its uploads cannot be withdrawn' in _text(page)
    assert b"Withdraw this upload" not in page.data and b"Back to the overview" in page.data
    refused = _post(admin, mine["upload_id"], csrf_of(page.data))
    assert refused.status_code == 409 and "its uploads cannot be withdrawn" in _text(refused)
    assert store.upload(mine["upload_id"]).withdrawn_at is None
    assert _facilities_scored(app, catalog, mine["round_id"]) == {f["key"] for f in mine["facilities"]}


def test_an_upload_that_was_not_accepted_has_nothing_to_withdraw(app, tokens, signed_in):
    rejected = submit(app.test_client(), tokens["yuelu"], [("bad.csv", fixture_bytes("toilets-bad.csv"))])
    upload_id = rejected.json["upload_id"]
    client = signed_in("yuelu")
    page = _page(client, upload_id)
    assert page.status_code == 200 and f"上传 {upload_id} 未被接收，无可撤回的内容" in _text(page)
    assert CONFIRM not in page.data
    assert _post(client, upload_id, csrf_of(page.data)).status_code == 422
