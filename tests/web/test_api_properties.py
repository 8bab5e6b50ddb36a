"""Property-based tests of the JSON API from its own OpenAPI description (schemathesis).

Every operation gets a bounded, deterministic set of generated requests (valid and invalid ids,
offsets, limits, slugs...), with a valid token, with none and with the token of a locked account.
The checks: no server error, only documented status codes, bodies and headers as documented.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from sqlmodel import Session

from store.models import StaffUser
from web.auth import issue_api_token

BOUNDED = settings(
    max_examples=30,
    derandomize=True,  # the same examples on every run
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture
def tokens(engine, world) -> dict[str, str]:
    """A valid token, and one of an account that was locked afterwards."""
    with Session(engine) as session:
        valid = issue_api_token(session, session.get(StaffUser, world.curator.id))
        admin = session.get(StaffUser, world.admin.id)
        locked = issue_api_token(session, admin)
        admin.active = False
        session.add(admin)
        session.commit()
    return {"valid": valid, "locked": locked}


def operations(app):
    loaded = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    found = [result.ok() for result in loaded.get_all_operations()]
    assert len(found) == 5
    return found


def run_bounded(operation, test, max_examples: int, modes=(GenerationMode.POSITIVE, GenerationMode.NEGATIVE)) -> None:
    """Run ``test`` on generated requests for the operation (valid and invalid ones by default)."""
    for mode in modes:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(BOUNDED, max_examples=max_examples)
        def run(case) -> None:
            test(case)

        run()


def test_api_answers_every_generated_request_as_documented(app, tokens):
    auth = {"Authorization": f"Bearer {tokens['valid']}"}
    statuses: set[int] = set()

    def test(case) -> None:
        response = case.call_and_validate(headers=auth)
        statuses.add(response.status_code)

    for operation in operations(app):
        run_bounded(operation, test, max_examples=5)
    assert {200, 404, 422} <= statuses and max(statuses) < 500


def test_api_without_a_valid_token_is_refused_as_documented(app, tokens):
    def test(case) -> None:
        assert case.call_and_validate(headers={}).status_code == 401
        locked = case.call_and_validate(headers={"Authorization": f"Bearer {tokens['locked']}"})
        assert locked.status_code == 403 and locked.json()["detail"] == "Das Konto zu diesem API-Token ist gesperrt."

    for operation in operations(app):
        run_bounded(operation, test, max_examples=5, modes=[GenerationMode.POSITIVE])


def test_only_the_api_is_described(app):
    paths = app.openapi()["paths"]
    assert paths and all(path.startswith("/api/") for path in paths)
    for operations in paths.values():
        for operation in operations.values():
            assert {"401", "403"} <= set(operation["responses"])
    assert {"404", "422"} <= set(paths["/api/programmes/{programme_id}"]["get"]["responses"])
