"""The error answers of every API operation, in the schema (drf-spectacular ``POSTPROCESSING_HOOKS``).

The shapes are what ``core.api.exceptions.api_exception_handler`` returns (DRF's handler underneath):
- 400: ``{field: [reasons]}`` (``non_field_errors`` for the whole object, ``detail`` for a reason naming no
  field; a nested serializer nests the same shape) — every operation: a malformed or unknown query parameter,
  or a bad body;
- 401 / 403 / 404 / 429: ``{"detail": "…"}`` — 401 without credentials, 403 when the caller may not do this (a
  partner on a staff-only endpoint, a refused approval), 404 for an unknown or another partner's object, or a
  page past the last (only operations with a path parameter or ``page``), 429 when throttled.
"""

ERROR_COMPONENTS = {
    "ErrorDetail": {
        "type": "object",
        "properties": {"detail": {"type": "string", "description": "原因（随 Accept-Language）"}},
        "required": ["detail"],
    },
    "ValidationErrors": {
        "type": "object",
        "description": "{字段: [原因, …]}；non_field_errors = 整体原因；detail = 未指明字段的原因",
        "additionalProperties": {},
    },
}

ERROR_RESPONSES = {
    "400": ("请求参数或内容有误", "ValidationErrors"),
    "401": ("未提供或无效的身份凭证", "ErrorDetail"),
    "403": ("无权执行此操作", "ErrorDetail"),
    "404": ("对象不存在（或属于其他合作方）", "ErrorDetail"),
    "429": ("请求过于频繁", "ErrorDetail"),
}

#: a text without the NUL character: free-text query parameters refuse it (Django's form fields do)
NO_NUL_PATTERN = "^[^\\x00]*$"

HTTP_METHODS = {"get", "put", "patch", "post", "delete", "head", "options", "trace"}


def _response(description: str, component: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}}}


def error_responses_hook(result, generator, request, public):
    """Add the 400/401/403/404/429 answers to every operation that does not declare them itself, and the
    NUL-free pattern to free-text query parameters."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_COMPONENTS)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in HTTP_METHODS:
                continue
            # 404: an unknown object, or a page past the last one
            may_be_missing = any(p.get("in") == "path" or p.get("name") == "page"
                                 for p in operation.get("parameters", []))
            anonymous = {} in operation.get("security", [{}])
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") == "query" and schema.get("type") == "string" and not (
                        {"enum", "pattern", "format"} & set(schema)):
                    schema["pattern"] = NO_NUL_PATTERN
            responses = operation.setdefault("responses", {})
            for status, (description, component) in ERROR_RESPONSES.items():
                if status == "404" and not may_be_missing:
                    continue
                if status == "401" and anonymous:
                    continue
                responses.setdefault(status, _response(description, component))
    return result
