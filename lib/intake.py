# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""From a verified body to the rows the queue stores: one per event.

A body that cannot be read still becomes a row (quarantined), keyed by a
hash of its bytes so that resending the same garbage is a duplicate.
"""

import hashlib
import json
from dataclasses import dataclass

from .json_safety import BodyError, parse_body
from .schemas import SchemaError, classify

MAX_BATCH = 500


@dataclass(frozen=True)
class IntakeSettings:
    """What the webhook needs of a connector; cached per process by token."""

    connector_id: int
    company_id: int
    auth_scheme: str
    timestamp_tolerance: int
    max_body_bytes: int
    rate_limit_per_minute: int
    allowed_types: frozenset

    def ignore_disallowed(self, incoming):
        """Events of types this connector does not take are kept, as ignored."""
        for event in incoming:
            if self.allowed_types and event.state == "received" and event.event_type not in self.allowed_types:
                event.state = "ignored"
                event.error = f"event type {event.event_type!r} is not enabled on this connector"


@dataclass
class IncomingEvent:
    event_id: str
    state: str  # received | quarantined | ignored
    payload: bytes  # what we store: the exact body, or the event re-serialised in a batch
    event_type: str | None = None
    event_version: str | None = None
    error: str | None = None


def body_key(body):
    return "sha256:" + hashlib.sha256(body).hexdigest()


def _text(value, limit=255):
    return value[:limit] if isinstance(value, str) and value else None


def _from_event(event, payload, header_id=None):
    """Classify one parsed event; ``header_id`` is the signed webhook-id."""
    event_id = header_id or (_text(event.get("id")) if isinstance(event, dict) else None) or body_key(payload)
    incoming = IncomingEvent(event_id=event_id, state="received", payload=payload)
    if isinstance(event, dict):
        incoming.event_type = _text(event.get("type"), 64)
        incoming.event_version = _text(event.get("version"), 16)
    try:
        kind = classify(event)
        if header_id and event.get("id") != header_id:
            raise SchemaError(f"event id {event.get('id')!r} differs from the signed webhook-id {header_id!r}")
    except SchemaError as error:
        incoming.state, incoming.error = "quarantined", str(error)
        return incoming
    if kind == "unknown_type":
        incoming.state, incoming.error = "ignored", f"unknown event type {event['type']!r}"
    return incoming


def read_single(body, header_id=None):
    try:
        event = parse_body(body)
    except BodyError as error:
        return IncomingEvent(event_id=header_id or body_key(body), state="quarantined", payload=body, error=str(error))
    return _from_event(event, body, header_id)


def read_batch(body, header_id=None):
    """The events of a batch body; the whole body as one row if it is unusable."""
    try:
        document = parse_body(body)
        events = document.get("events") if isinstance(document, dict) else None
        if not isinstance(events, list):
            raise BodyError('a batch is an object with an "events" list')
        if len(events) > MAX_BATCH:
            raise BodyError(f"a batch holds at most {MAX_BATCH} events, got {len(events)}")
    except BodyError as error:
        key = f"{header_id}:batch" if header_id else body_key(body)
        return [IncomingEvent(event_id=key, state="quarantined", payload=body, error=str(error))]
    return [_from_event(event, json.dumps(event, ensure_ascii=False).encode()) for event in events]
