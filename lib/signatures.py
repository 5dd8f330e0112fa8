# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The four ways a field platform proves a request is its own.

Each scheme reads the request headers and raw body, and says whether any of
the connector's active secrets signed it. Nothing here decodes or parses the
body: the signature is checked over the exact bytes first.
"""

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass

# A platform sending more than this many signatures in one header is not
# rotating keys, it is fishing: refuse instead of hashing them all.
MAX_SIGNATURES = 64
_UNIX_SECONDS = re.compile(r"\A[0-9]{1,12}\Z")
_HEX_SHA256 = re.compile(r"\A[0-9a-fA-F]{64}\Z")


class SignatureError(Exception):
    """The request is not provably from the platform: answer 401."""


@dataclass(frozen=True)
class Verified:
    """What a verified request tells us before its body is parsed."""

    event_id: str | None  # from the headers (standard); else from the body's "id"
    timestamp: int | None


def secret_key(scheme, secret):
    """The HMAC key for a stored secret: whsec_ secrets carry base64 bytes."""
    if scheme == "standard" and secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_") :])
    return secret.encode()


def _hmac(key, message):
    return hmac.new(key, message, hashlib.sha256).digest()


def _any_match(expected_digests, candidates):
    # Compare against every candidate without stopping early, so the time
    # taken says nothing about which entry (or how much of it) matched.
    matched = False
    for digest in expected_digests:
        for candidate in candidates:
            matched |= hmac.compare_digest(digest, candidate)
    return matched


def parse_timestamp(raw):
    if raw is None or not _UNIX_SECONDS.match(raw.strip()):
        raise SignatureError("bad timestamp")
    return int(raw.strip())


def check_window(timestamp, now, tolerance):
    if abs(now - timestamp) > tolerance:
        raise SignatureError("timestamp outside the tolerance window")


def verify_standard(headers, body, keys, now, tolerance):
    """Standard Webhooks v1: webhook-id, webhook-timestamp, webhook-signature."""
    event_id = headers.get("webhook-id")
    raw_signatures = headers.get("webhook-signature")
    if not event_id or not raw_signatures or len(event_id) > 255:
        raise SignatureError("missing webhook headers")
    timestamp = parse_timestamp(headers.get("webhook-timestamp"))
    check_window(timestamp, now, tolerance)
    entries = raw_signatures.split()
    if len(entries) > MAX_SIGNATURES:
        raise SignatureError("too many signatures")
    candidates = []
    for entry in entries:
        version, _, value = entry.partition(",")
        if version != "v1":
            continue
        try:
            candidates.append(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            continue
    signed = f"{event_id}.{timestamp}.".encode() + body
    if not candidates or not _any_match([_hmac(key, signed) for key in keys], candidates):
        raise SignatureError("no valid signature")
    return Verified(event_id=event_id, timestamp=timestamp)


def verify_stripe(headers, body, keys, now, tolerance):
    """X-Signature: t=<unix>,v1=<hex>[,v1=<hex>] over "{t}.{body}"."""
    raw = headers.get("x-signature")
    if not raw:
        raise SignatureError("missing X-Signature")
    items = [item.partition("=") for item in raw.split(",")]
    if len(items) > MAX_SIGNATURES:
        raise SignatureError("too many signatures")
    stamps = [value for name, _, value in items if name.strip() == "t"]
    if len(stamps) != 1:
        raise SignatureError("need exactly one timestamp")
    timestamp = parse_timestamp(stamps[0])
    check_window(timestamp, now, tolerance)
    candidates = [
        bytes.fromhex(value.strip())
        for name, _, value in items
        if name.strip() == "v1" and _HEX_SHA256.match(value.strip())
    ]
    signed = f"{timestamp}.".encode() + body
    if not candidates or not _any_match([_hmac(key, signed) for key in keys], candidates):
        raise SignatureError("no valid signature")
    return Verified(event_id=None, timestamp=timestamp)


def verify_github(headers, body, keys, now, tolerance):
    """X-Hub-Signature-256: sha256=<hex> over the raw body; no timestamp."""
    raw = (headers.get("x-hub-signature-256") or "").strip()
    prefix, _, value = raw.partition("=")
    if prefix != "sha256" or not _HEX_SHA256.match(value):
        raise SignatureError("missing or malformed X-Hub-Signature-256")
    if not _any_match([_hmac(key, body) for key in keys], [bytes.fromhex(value)]):
        raise SignatureError("no valid signature")
    return Verified(event_id=None, timestamp=None)


def verify_bearer(headers, body, keys, now, tolerance):
    """Authorization: Bearer <secret>, for platforms that cannot sign."""
    scheme, _, token = (headers.get("authorization") or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise SignatureError("missing bearer token")
    # Hash both sides so the comparison runs over equal lengths.
    presented = hashlib.sha256(token.strip().encode()).digest()
    if not _any_match([hashlib.sha256(key).digest() for key in keys], [presented]):
        raise SignatureError("wrong bearer token")
    return Verified(event_id=None, timestamp=None)


VERIFIERS = {
    "standard": verify_standard,
    "stripe": verify_stripe,
    "github": verify_github,
    "bearer": verify_bearer,
}


def verify(scheme, headers, body, secrets, *, now, tolerance=300):
    """Check a request; return Verified or raise SignatureError.

    ``headers`` maps lower-case names to values; ``secrets`` are the
    connector's active secrets in clear text.
    """
    if not secrets:
        raise SignatureError("connector has no active secret")
    keys = [secret_key(scheme, secret) for secret in secrets]
    return VERIFIERS[scheme](headers, body, keys, now, tolerance)


# Signing side, used by tools/send_event.py and the tests.


def sign_headers(scheme, secret, body, event_id=None, timestamp=None):
    """Headers a platform would send for ``body`` with ``secret``."""
    key = secret_key(scheme, secret)
    if scheme == "standard":
        signed = f"{event_id}.{timestamp}.".encode() + body
        signature = base64.b64encode(_hmac(key, signed)).decode()
        return {"webhook-id": event_id, "webhook-timestamp": str(timestamp), "webhook-signature": f"v1,{signature}"}
    if scheme == "stripe":
        return {"X-Signature": f"t={timestamp},v1={_hmac(key, f'{timestamp}.'.encode() + body).hex()}"}
    if scheme == "github":
        return {"X-Hub-Signature-256": f"sha256={_hmac(key, body).hex()}"}
    if scheme == "bearer":
        return {"Authorization": f"Bearer {secret}"}
    raise ValueError(f"unknown scheme {scheme!r}")
