"""Schemathesis against the OpenAPI description, in process: no input may cause a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.service.conftest import bearer


@pytest.mark.slow
def test_no_input_makes_a_server_error(app, tokens):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    failures = []
    for operation in schema.get_all_operations():
        op = operation.ok()

        @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy())
        def run(case):
            case.headers = {**(case.headers or {}), **bearer(tokens["admin"])}
            response = case.call()
            if response.status_code >= 500:
                # B023 is safe here: run() is called at once, within this iteration, so it sees this `op`
                failures.append((op.label, case.path_parameters, case.query, response.status_code))  # noqa: B023

        run()
    assert failures == []
