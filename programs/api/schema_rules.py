"""Rules of the programs API that span fields, for the OpenAPI schema.

A serializer describes its fields one by one; these say what only their
combination does, so generated clients validate as the server does."""

TEMPLATE_OR_ITEMS = {
    "anyOf": [
        {"required": ["template"], "properties": {"template": {"type": "integer"}}},
        {"required": ["items"], "properties": {"items": {"minItems": 1}}},
    ]
}


def program_rules_postprocess(result, generator, request, public):
    """drf-spectacular postprocessing hook: a new program names a template or items."""
    component = result.get("components", {}).get("schemas", {}).get("ProgramInRequest")
    if component is not None:
        component.update(TEMPLATE_OR_ITEMS)
        component["description"] = "Give a protocol (`template`) or at least one item."
    return result
