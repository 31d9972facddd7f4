"""The API answers what its OpenAPI schema says, for staff and for a partner (schemathesis, every check).

schemathesis generates requests from the schema — valid ones and invalid ones — and sends them in-process to the
WSGI app with a staff token and with a partner token; every check of schemathesis runs on each answer (no 5xx,
documented status codes and content types, bodies matching the response schema, valid requests accepted and
invalid ones refused, …). Any failure fails the test, with the failures listed by check and operation.

``SCHEMATHESIS_EXAMPLES`` (default 5) bounds the examples per operation and generation mode (valid, invalid):
10 requests per operation and token by default.
"""

import os
from collections import defaultdict

import pytest
import schemathesis
from django.core import signals
from django.core.exceptions import ValidationError
from django.core.handlers.wsgi import WSGIHandler
from django.db import IntegrityError, close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.core.failures import Failure, FailureGroup

from partners.services import partner_user_create
from tests.factories import PartnerFactory

from .isolation_data import MAKERS

pytestmark = [pytest.mark.django_db, pytest.mark.schemathesis]

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))


def _failures_of(exc: BaseException) -> list[Failure]:
    if isinstance(exc, FailureGroup):
        return [failure for inner in exc.exceptions for failure in _failures_of(inner)]
    if isinstance(exc, BaseExceptionGroup):
        return [failure for inner in exc.exceptions for failure in _failures_of(inner)]
    if isinstance(exc, Failure):
        return [exc]
    raise exc


def _refused_by_the_database(failure: Failure, case, response) -> bool:
    """A write whose body fits the schema may still be refused with a 400 naming the field: the contract, code
    or partner it names does not exist, or a rule refuses it — facts of the database no schema states. Reads
    (every GET) must accept every schema-valid request."""
    return (failure.title == "Schema-valid request rejected" and case.method.upper() != "GET"
            and response.status_code == 400)


def _run_operation(operation, *, mode, headers: dict, examples: int, found: dict[str, set[str]]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call(headers=headers)
        try:
            case.validate_response(response, headers=headers)
        except (Failure, FailureGroup) as exc:
            for failure in _failures_of(exc):
                if _refused_by_the_database(failure, case, response):
                    continue
                message = (failure.message or "").strip().splitlines()
                sent = {k: v for k, v in (("query", case.query), ("body", case.body)) if v not in (None, {})}
                found[failure.title].add(f"{operation.label}: {message[0][:120] if message else ''} "
                                         f"[{response.status_code}] {sent}"[:400])

    try:
        run()
    except Unsatisfiable:  # no invalid request can be made for this operation (nothing to mutate)
        pass


def schemathesis_failures(schema, *, token: str, examples: int) -> dict[str, set[str]]:
    """{check title: {"METHOD /path: message", …}} over every operation, valid and invalid requests."""
    found: dict[str, set[str]] = defaultdict(set)
    headers = {"Authorization": f"Token {token}"}
    only = os.environ.get("SCHEMATHESIS_OPERATIONS")  # e.g. "newspaper-breaches,blocked" while fixing one
    for result in schema.get_all_operations():
        if only and not any(part in result.ok().label for part in only.split(",")):
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run_operation(result.ok(), mode=mode, headers=headers, examples=examples, found=found)
    return dict(found)


@pytest.fixture
def api_data(db):
    partner_a, partner_b = PartnerFactory(code="PA", name="甲公司"), PartnerFactory(code="PB", name="乙公司")
    for make in MAKERS.values():
        for partner in (partner_a, partner_b):
            try:
                with transaction.atomic():
                    make(partner)
            except (IntegrityError, ValidationError):  # makers written one per test may clash (a shared contract)
                pass
    return partner_a


@pytest.fixture
def wsgi_app():
    """The project's WSGI handler, keeping the test's database connection between requests (as Django's test
    client does): the handler would otherwise close it after each request and end the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _token(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def _report(found: dict[str, set[str]]) -> str:
    lines = [f"{title}: {len(items)}" for title, items in sorted(found.items())]
    for title, items in sorted(found.items()):
        lines += [f"--- {title}"] + sorted(items)[:40]
    return "\n".join(lines)


@pytest.mark.parametrize("role", ["staff", "partner"])
def test_the_api_answers_as_its_schema_says(role, api_data, staff_user, wsgi_app):
    user = staff_user if role == "staff" else partner_user_create(username="pa_user", partner_code=api_data.code)
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    found = schemathesis_failures(schema, token=_token(user), examples=EXAMPLES)
    print(f"schemathesis as {role}:\n{_report(found)}")
    assert not found, _report(found)
