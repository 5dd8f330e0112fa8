# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""OpenAPI 3.1 description of the webhook endpoints, built from the schemas."""

from .schemas import EVENT_SCHEMAS, load_schema

_RESULT = {
    "type": "object",
    "required": ["status"],
    "properties": {
        "status": {"type": "string", "enum": ["accepted", "duplicate", "quarantined"]},
        "job_id": {"type": "integer"},
    },
}


def _component_name(schema_name):
    return "".join(part.capitalize() for part in schema_name.replace("_", ".").split("."))


def build_openapi(server_url):
    data_schemas = {name: load_schema("1", name) for name in sorted(set(EVENT_SCHEMAS["1"].values()))}
    components = {"Envelope": load_schema("1", "envelope"), "Result": _RESULT}
    components.update({_component_name(name): schema for name, schema in data_schemas.items()})
    event = {
        "allOf": [{"$ref": "#/components/schemas/Envelope"}],
        "description": "The envelope; `data` follows the schema of the event `type`: "
        + ", ".join(f"`{t}` → {_component_name(n)}" for t, n in EVENT_SCHEMAS["1"].items()),
    }
    components["Event"] = event
    security = [{"standardWebhooks": []}, {"stripeSignature": []}, {"githubSignature": []}, {"bearer": []}]
    errors = {
        "401": {"description": "Missing or bad signature, stale or future timestamp, bad headers."},
        "404": {"description": "Unknown token or inactive connector."},
        "413": {"description": "Body over the connector's cap (default 1 MiB)."},
        "415": {"description": "Content type is not JSON."},
        "429": {"description": "Over the connector's rate limit; see Retry-After."},
    }
    token = {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Construction Connector webhooks",
            "version": "1",
            "description": "Signed events from construction field platforms. Every 2xx is sent only after "
            "the event is committed; the same event id is never stored twice.",
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/construction/webhook/{token}": {
                "post": {
                    "summary": "Deliver one event",
                    "operationId": "deliverEvent",
                    "parameters": [token],
                    "security": security,
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Event"}}},
                    },
                    "responses": {
                        "200": _json(
                            "Duplicate: this event id was already stored.", {"$ref": "#/components/schemas/Result"}
                        ),
                        "202": _json(
                            "Accepted or quarantined, and committed.", {"$ref": "#/components/schemas/Result"}
                        ),
                        **errors,
                    },
                }
            },
            "/construction/webhook/{token}/batch": {
                "post": {
                    "summary": "Deliver up to 500 events under one signature",
                    "operationId": "deliverBatch",
                    "parameters": [token],
                    "security": security,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["events"],
                                    "properties": {
                                        "events": {
                                            "type": "array",
                                            "maxItems": 500,
                                            "items": {"$ref": "#/components/schemas/Event"},
                                        }
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "202": _json(
                            "Every event's result, in order; all committed.",
                            {
                                "type": "object",
                                "properties": {
                                    "status": {"const": "processed"},
                                    "results": {
                                        "type": "array",
                                        "items": {
                                            "allOf": [{"$ref": "#/components/schemas/Result"}],
                                            "properties": {"id": {"type": "string"}},
                                        },
                                    },
                                },
                            },
                        ),
                        **errors,
                    },
                }
            },
        },
        "components": {
            "schemas": components,
            "securitySchemes": {
                "standardWebhooks": _header_scheme(
                    "webhook-signature", "Standard Webhooks v1 (with webhook-id, webhook-timestamp)."
                ),
                "stripeSignature": _header_scheme("X-Signature", 't=<unix>,v1=<hex HMAC-SHA256 of "{t}.{body}">.'),
                "githubSignature": _header_scheme("X-Hub-Signature-256", "sha256=<hex HMAC-SHA256 of the body>."),
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
    }


def _json(description, schema):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _header_scheme(header, description):
    return {"type": "apiKey", "in": "header", "name": header, "description": description}
