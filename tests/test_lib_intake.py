# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The database-free parts of intake, tested directly."""

import pytest

from odoo.addons.construction_connector.lib.intake import body_key, read_batch, read_single
from odoo.addons.construction_connector.lib.json_safety import MAX_DEPTH, BodyError, nesting_depth, parse_body
from odoo.addons.construction_connector.lib.schemas import SchemaError, classify
from odoo.addons.construction_connector.lib.signatures import SignatureError, sign_headers, verify

from .common import encode, make_event

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
NOW = 1_796_000_000


@pytest.mark.parametrize(
    ("body", "depth"),
    [
        (b"{}", 1),
        (b'{"a": "[[[[", "b": [1]}', 2),
        (b'["\\\\", [["\\"["]]]', 3),
        (b"[" * 200, MAX_DEPTH + 1),
    ],
)
def test_nesting_depth_ignores_brackets_in_strings(body, depth):
    assert nesting_depth(body) == depth


@pytest.mark.parametrize(
    "body",
    [b"\xff{}", b"{}\x00", b'{"a": "\\u0000"}', b'{"a": NaN}', b'{"a": 1, "a": 2}', b"[" * 65 + b"]" * 65, b"{"],
)
def test_unusable_bodies_raise_body_error(body):
    with pytest.raises(BodyError):
        parse_body(body)


def test_exactly_max_depth_is_fine():
    assert parse_body(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH)


def test_schema_classification():
    assert classify(make_event()) == "known"
    assert classify(make_event("crane.inspected")) == "unknown_type"
    for bad in (
        {**make_event(), "version": "2"},
        make_event(hours=0),
        make_event(date="01/12/2026"),
        {"id": "x"},
        [],
    ):
        with pytest.raises(SchemaError):
            classify(bad)


def test_subcontract_progress_needs_percent_or_amount():
    base = {
        "progress_id": "P1",
        "revision": 1,
        "project": "P",
        "vendor": "V",
        "cost_code": "05",
        "period_end": "2026-11-30",
    }
    event = make_event("subcontract.progress")
    event["data"] = base
    with pytest.raises(SchemaError):
        classify(event)
    assert classify({**event, "data": {**base, "amount": "1250.00"}}) == "known"
    assert classify({**event, "data": {**base, "percent_complete": 40}}) == "known"


def test_single_and_batch_reading():
    event = make_event()
    assert read_single(encode(event), event["id"]).state == "received"
    mismatch = read_single(encode(event), "another-id")
    assert (mismatch.state, mismatch.event_id) == ("quarantined", "another-id")
    garbage = read_single(b"garbage")
    assert (garbage.state, garbage.event_id) == ("quarantined", body_key(b"garbage"))
    results = read_batch(encode({"events": [event, make_event(hours=99), "nope"]}))
    assert [r.state for r in results] == ["received", "quarantined", "quarantined"]


@pytest.mark.parametrize("scheme", ["standard", "stripe", "github", "bearer"])
def test_every_scheme_verifies_its_own_signature_only(scheme):
    body = b'{"id": "evt_1"}'
    headers = {k.lower(): v for k, v in sign_headers(scheme, SECRET, body, "evt_1", NOW).items()}
    assert verify(scheme, headers, body, [SECRET], now=NOW)
    other_secret = "whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
    for secrets in ([other_secret], []):
        with pytest.raises(SignatureError):
            verify(scheme, headers, body, secrets, now=NOW)
    if scheme != "bearer":  # a bearer token does not cover the body
        with pytest.raises(SignatureError):
            verify(scheme, headers, body + b" ", [SECRET], now=NOW)


def test_timestamp_window_both_directions():
    body = b"{}"
    for offset, ok in ((-300, True), (300, True), (-301, False), (301, False)):
        headers = sign_headers("standard", SECRET, body, "evt_1", NOW + offset)
        headers = {k.lower(): v for k, v in headers.items()}
        if ok:
            verify("standard", headers, body, [SECRET], now=NOW)
        else:
            with pytest.raises(SignatureError):
                verify("standard", headers, body, [SECRET], now=NOW)
