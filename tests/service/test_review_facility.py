"""Facility answers left blank or 不确定 reach the review queue of the inspector whose area holds the facility:
they see and judge them, an inspector of another area neither sees nor judges them, a viewer only reads."""

from __future__ import annotations

from tests.service.conftest import JPEG, bearer, csrf_of, fixture_bytes
from tests.service.test_uploads import submit


def test_facility_review_items_belong_to_their_areas_inspectors(app, tokens, signed_in):
    client = app.test_client()
    sent = submit(client, tokens["yuelu"], [("toilets.csv", fixture_bytes("toilets.csv"))], [("door1.jpg", JPEG)])
    assert sent.status_code == 201, sent.json
    round_id = sent.json["round_id"]
    mine = client.get(f"/api/review/{round_id}/queue", headers=bearer(tokens["yuelu"])).json
    assert mine and {i["source"] for i in mine} == {"facility"}
    assert all(i["subject_key"].startswith("facility:accessible-toilets:430104:") for i in mine)
    assert client.get(f"/api/review/{round_id}/queue", headers=bearer(tokens["xiangtan"])).json == []
    item = mine[0]["item"]
    body = {"verdicts": [{"item": item, "outcome": "pass", "note": "现场复核"}]}
    assert (
        client.post(f"/api/review/{round_id}/verdicts", json=body, headers=bearer(tokens["xiangtan"])).status_code
        == 403
    )
    assert (
        client.post(f"/api/review/{round_id}/verdicts", json=body, headers=bearer(tokens["viewer"])).status_code == 403
    )
    done = client.post(f"/api/review/{round_id}/verdicts", json=body, headers=bearer(tokens["yuelu"]))
    assert done.status_code == 201
    again = client.get(f"/api/review/{round_id}/queue", headers=bearer(tokens["yuelu"])).json
    decided = next(i for i in again if i["item"] == item)
    assert decided["state"] == "decided" and decided["verdict"]["author"] == "yuelu"
    # the inspector's page: the item with its form; another area's inspector gets 404 for it
    page = signed_in("yuelu").get(f"/review/{round_id}/items/{item}")
    assert page.status_code == 200 and b'name="outcome"' in page.data and csrf_of(page.data)
    assert signed_in("xiangtan").get(f"/review/{round_id}/items/{item}").status_code == 404
