"""Schemathesis against the OpenAPI description, in process: every operation, signed in and not, and every
response must match the description (status code, content type, headers, body schema), not only avoid a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.core.failures import FailureGroup

from audit.service.openapi import spec
from tests.service.conftest import JPEG, bearer, fixture_bytes
from tests.service.test_uploads import submit

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.mark.slow
@pytest.mark.parametrize("who", ["admin", "yuelu", None])
def test_every_response_matches_the_openapi_description(app, tokens, who):
    # a stored round, subjects, scores and upload records, so bodies are validated and not only 404s
    seeded = submit(app.test_client(), tokens["yuelu"], [("toilets.csv", fixture_bytes("toilets.csv"))])
    assert seeded.status_code == 422  # its photo is missing: a rejected record
    seeded = submit(
        app.test_client(), tokens["yuelu"], [("toilets.csv", fixture_bytes("toilets.csv"))], [("door1.jpg", JPEG)]
    )
    assert seeded.status_code == 201
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    documented = {f"{m.upper()} {path}" for path, methods in spec()["paths"].items() for m in methods}
    # every operation is fuzzed, but for the description itself, which schemathesis loads and leaves out
    assert {op.label for op in operations} == documented - {"GET /api/openapi.json"}
    headers = bearer(tokens[who]) if who else {}
    for op in operations:

        @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy())
        def run(case):
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            except FailureGroup as group:
                failures.extend(f"{case.operation.label}: {f.title}: {f.message[:300]}" for f in group.exceptions)
            except AssertionError as exc:
                failures.append(f"{case.operation.label}: {str(exc)[:300]}")

        run()
    assert failures == [], "\n".join(sorted(set(failures))[:20])


def test_every_undocumented_method_is_a_405_with_allow_in_the_error_shape(app, tokens):
    import jsonschema

    from audit.service.openapi import ERROR

    client = app.test_client()
    for path, methods in spec()["paths"].items():
        url = path.replace("{upload_id}", "1").replace("{round_id}", "1")
        documented = {m.upper() for m in methods} | {"HEAD", "OPTIONS"} - ({"HEAD"} if "get" not in methods else set())
        for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - documented:
            response = client.open(url, method=method, headers=bearer(tokens["admin"]))
            assert response.status_code == 405 and response.mimetype == "application/json", (method, url)
            jsonschema.validate(response.json, ERROR)
            assert set(response.headers["Allow"].split(", ")) == documented, (method, url)


def test_every_api_route_is_described(app):
    rules = {
        f"{method} {rule.rule.replace('<int:', '{').replace('<', '{').replace('>', '}')}"
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {f"{m.upper()} {path}" for path, methods in spec()["paths"].items() for m in methods}
    # a route with an {action} segment is described once per action
    undescribed = {r for r in rules if r not in documented and not _by_action(r, documented)}
    assert undescribed == set()


def _by_action(route: str, documented: set[str]) -> bool:
    stem = route.removesuffix("{action}")
    return stem != route and any(d.startswith(stem) for d in documented)


def test_the_described_roles_are_the_accounts_roles():
    from audit.service.accounts import ROLES

    assert spec()["components"] is not None
    me = spec()["paths"]["/api/me"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(me["properties"]["role"]["enum"]) == set(ROLES) >= {"official", "unit"}
