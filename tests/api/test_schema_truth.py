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


def test_every_operation_documents_its_error_answers(schema):
    checked = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"400", "401", "403", "429"} <= set(responses), (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
            assert responses["403"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorDetail"}
            checked += 1
    assert checked > 60


def test_company_importance_categories_are_those_of_the_rule_book_in_force_r_k_strategic():
    from django.utils import timezone

    from scoring.selectors import rule_book_in_force

    schema = SchemaGenerator().get_schema(request=None, public=True)  # inside the test: reads the rule book
    _, book = rule_book_in_force(on=timezone.localdate())
    expected = [row["category"] for row in book.rows("credit_company_importance")]
    assert expected
    category = schema["components"]["schemas"]["CompanyImportanceRequest"]["properties"]["category"]
    ref = category.get("$ref") or category["allOf"][0]["$ref"]  # drf-spectacular names the enum as a component
    assert schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["enum"] == expected


def test_company_importance_category_outside_the_rule_book_is_a_400_r_k_strategic(partner_a, partner_a_client):
    response = partner_a_client.post("/api/v1/company-importance/", {
        "category": "best_friend_of_the_boss", "description": "说明", "evidence": "材料"}, format="json")
    assert response.status_code == 400 and "category" in response.json()


@pytest.mark.parametrize("query", [{"partnr": "PA"}, {"page_size": "10", "colour": "red"}])
def test_an_unknown_query_parameter_is_a_400_naming_it(staff_client, query):
    response = staff_client.get("/api/v1/partners/", query)
    assert response.status_code == 400
    unknown = set(query) - {"page_size"}
    assert response.json() == {name: ["未知的查询参数"] for name in unknown}


def test_known_query_parameters_still_work(staff_client, partner_a, partner_b):
    response = staff_client.get("/api/v1/partners/", {"partner": "PA", "page": "1", "page_size": "5",
                                                       "format": "json"})
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == ["PA"]


@pytest.mark.parametrize("value", ["yes", "-239", "", "2"])
def test_a_malformed_boolean_filter_is_a_400(staff_client, value):
    response = staff_client.get("/api/v1/newspaper-documents/", {"expired": value})
    assert response.status_code == 400 and response.json() == {"expired": ["应为 true 或 false"]}


@pytest.mark.parametrize("value", ["0", "", "abc", "1.5"])
def test_a_malformed_page_is_a_400_naming_it(staff_client, value):
    response = staff_client.get("/api/v1/partners/", {"page": value})
    assert response.status_code == 400 and response.json() == {"page": ["应为不小于 1 的整数"]}


@pytest.mark.parametrize("value", ["0", "10000", "1e300"])
def test_a_year_out_of_range_is_a_400_not_a_server_error(staff_client, value):
    assert staff_client.get("/api/v1/newspaper-breaches/", {"year": value}).status_code == 400


def test_an_object_filter_naming_no_object_lists_nothing(staff_client):
    response = staff_client.get("/api/v1/newspaper-breaches/", {"product": "987654"})
    assert response.status_code == 200 and response.json()["results"] == []
    assert staff_client.get("/api/v1/newspaper-breaches/", {"product": "true"}).status_code == 400


def test_a_null_body_is_a_400(partner_a_client):
    response = partner_a_client.post("/api/v1/company-importance/", "null", content_type="application/json")
    assert response.status_code == 400


def test_an_api_address_matching_no_route_answers_json_404(staff_client):
    response = staff_client.get("/api/v1/partners/a.b/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_an_empty_choice_filter_is_a_400(staff_client):
    response = staff_client.get("/api/v1/control-events/", {"status": ""})
    assert response.status_code == 400 and response.json() == {"status": ["不能为空"]}
