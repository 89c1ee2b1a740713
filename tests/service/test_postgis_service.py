"""The service on a real PostGIS store: an upload is stored, scored and recorded exactly as on SQLite."""

from __future__ import annotations

import pytest

from audit.service import ServiceConfig, create_app
from audit.service.accounts import Accounts
from tests.service.conftest import JPEG, fixture_bytes
from tests.service.test_uploads import submit, uploads
from tests.store.conftest import fresh_schema, postgis_server_url

pytestmark = pytest.mark.postgis


def test_upload_on_postgis(tmp_path, catalog):
    with fresh_schema(postgis_server_url()) as url:
        app = create_app(ServiceConfig(db=url, photos_dir=tmp_path / "photos"), catalog)
        try:
            accounts = Accounts(app.extensions["a11y"].stores.get())
            accounts.add("yuelu", "correct-horse-9", "inspector", ("430104",))
            token = accounts.new_token("yuelu")
            client = app.test_client()
            files = [("toilets.csv", fixture_bytes("toilets.csv"))]
            assert submit(client, token, files, [("door1.jpg", JPEG)]).status_code == 201
            assert submit(client, token, files, [("door1.jpg", JPEG)]).status_code == 201
            assert submit(client, token, [("s.csv", fixture_bytes("toilets-shaoshan.csv"))]).status_code == 403
            store = app.extensions["a11y"].stores.get()
            assert len(list(store.subjects())) == 2
            assert [r["result"] for r in uploads(app)] == ["accepted", "accepted", "refused"]
            assert len(list(store.subjects_within({"type": "Point", "coordinates": [112.9386, 28.1860]}))) == 1
            accepted = uploads(app)[1]["round_id"]
            assert len(list(store.submissions(accepted))) == 2 and len(store.photos()) == 1
        finally:
            app.extensions["a11y"].stores.close()
