# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The v1 event JSON Schemas (files in schemas/v1/): the single source both
the intake and the queue validate against, and that openapi.json publishes."""

import functools
import json
from pathlib import Path

from jsonschema import Draft202012Validator

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"

# event type -> schema file (without .json) of its ``data``, per version.
EVENT_SCHEMAS = {
    "1": {
        "timesheet.submitted": "timesheet",
        "timesheet.approved": "timesheet",
        "timesheet.rejected": "timesheet",
        "equipment.usage": "equipment.usage",
        "material.usage": "material.usage",
        "work_order.completed": "work_order.completed",
        "change_order.approved": "change_order.approved",
        "subcontract.progress": "subcontract.progress",
    },
}
KNOWN_TYPES = frozenset(t for types in EVENT_SCHEMAS.values() for t in types)


class SchemaError(ValueError):
    """The event does not match its schema: quarantine it."""


@functools.cache
def load_schema(version, name):
    return json.loads((SCHEMA_DIR / f"v{version}" / f"{name}.json").read_text())


@functools.cache
def _validator(version, name):
    return Draft202012Validator(load_schema(version, name), format_checker=Draft202012Validator.FORMAT_CHECKER)


def _first_error(validator, instance, where):
    if validator.is_valid(instance):  # the common case, without collecting errors
        return
    error = next(iter(sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))), None)
    if error is not None:
        path = "/".join(str(part) for part in error.absolute_path)
        raise SchemaError(f"{where}{'/' + path if path else ''}: {error.message}")


def classify(event):
    """Validate an event; return "known" or "unknown_type", or raise SchemaError.

    An unknown type is not an error (the job is ignored); an unknown version
    of a known type is (nobody can read it).
    """
    if not isinstance(event, dict):
        raise SchemaError("an event must be a JSON object")
    _first_error(_validator("1", "envelope"), event, "event")
    if event["type"] not in KNOWN_TYPES:
        return "unknown_type"
    data_schema = EVENT_SCHEMAS.get(event["version"], {}).get(event["type"])
    if data_schema is None:
        raise SchemaError(f"unknown version {event['version']!r} of {event['type']}")
    _first_error(_validator(event["version"], data_schema), event["data"], "data")
    return "known"
