"""The schema tells the truth about what the API answers and accepts: months are YYYY-MM strings,
nullable fields say so, and malformed paging parameters are refused with 400."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

MONTH_PATTERN = "^[0-9]{4}-(0[1-9]|1[0-2])$"


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _parameters(schema, name):
    return [(path, parameter["schema"]) for path, operations in schema["paths"].items()
            for operation in operations.values() for parameter in operation.get("parameters", [])
            if parameter["name"] == name]


def test_month_query_parameters_are_yyyy_mm_strings(schema):
    months = _parameters(schema, "month")
    assert months
    for path, parameter in months:
        assert parameter.get("format") != "date" and parameter["pattern"] == MONTH_PATTERN, path


def test_month_fields_in_responses_are_yyyy_mm_strings(schema):
    found = 0
    for name, component in schema["components"]["schemas"].items():
        month = component.get("properties", {}).get("month")
        if month is not None and month.get("type") == "string":
            found += 1
            assert month.get("format") != "date" and month.get("pattern") == MONTH_PATTERN, name
    assert found >= 5


@pytest.mark.parametrize(("component", "field"), [
    ("Partner", "related_group"), ("Restriction", "sub_channel"),
    ("ControlEvent", "sub_channel"), ("ControlMeasure", "sub_channel"),
])
def test_fields_that_can_be_null_are_declared_nullable(schema, component, field):
    assert schema["components"]["schemas"][component]["properties"][field].get("nullable") is True


def test_paging_parameters_declare_their_bounds(schema):
    for _path, parameter in _parameters(schema, "page_size"):
        assert parameter == {"type": "integer", "minimum": 1, "maximum": 500}


@pytest.mark.parametrize("value", ["true", "0", "-1", "501", "1.5", "１０", ""])
def test_a_malformed_page_size_is_a_400_naming_the_parameter(staff_client, value):
    response = staff_client.get("/api/v1/partners/", {"page_size": value})
    assert response.status_code == 400
    assert response.json() == {"page_size": ["应为 1–500 之间的整数"]}


def test_a_valid_page_size_is_used(staff_client, partner_a, partner_b):
    response = staff_client.get("/api/v1/partners/", {"page_size": "1"})
    assert response.status_code == 200 and len(response.json()["results"]) == 1
