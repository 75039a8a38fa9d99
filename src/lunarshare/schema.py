"""API schema post-processing (drf-spectacular): the schema tells the truth about errors.

Every operation answers errors in one shape, ``{"message", "code", "extra"}`` (rendered by
``lunarshare.api.exception_handler``). This hook documents that shape once as ``Error`` and adds
the error answers every operation can give and that its own ``extend_schema`` did not already
document: 400 (bad input), 401 (no or bad credentials), 403 (not allowed), 404 (not found or
not visible), 409 (state conflict), 413 (upload too large, for operations with a body) and 503
(database busy, for writes), 415 (body type not supported, for writes).
"""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "message": {"type": "string"},
        "code": {"type": "string"},
        "extra": {"type": "object", "additionalProperties": True},
    },
    "required": ["message", "code", "extra"],
}

DESCRIPTIONS = {
    "400": "The input is malformed or breaks a rule; nothing was changed.",
    "401": "Authentication is required or the credentials are invalid.",
    "403": "The caller may not do this.",
    "404": "Not found, or not visible to the caller.",
    "409": "The object's state does not allow this, or it changed meanwhile.",
    "413": "The upload is larger than the limit.",
    "415": "The content type of the body is not supported.",
    "503": "The database is busy with another change; retry after the Retry-After seconds.",
}
WRITES = {"post", "put", "patch", "delete"}


def document_errors(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "head", "options", *WRITES}:
                continue
            codes = ["400", "401", "403", "404", "409"]
            if method in WRITES:
                codes += ["413", "415", "503"]
            responses = operation.setdefault("responses", {})
            # Errors come in the media types the operation answers in (``?format=csv`` writes
            # the same error as text); JSON always.
            content = {"application/json": {"schema": ref}}
            for media_type in responses.get("200", {}).get("content", {}):
                content.setdefault(media_type, {"schema": ref if "json" in media_type else {"type": "string"}})
            for code in codes:
                responses.setdefault(code, {"description": DESCRIPTIONS[code], "content": content})
    return result
