# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Turn a verified body into JSON, or say precisely why it cannot be.

A signed body can still be garbage: not UTF-8, NUL characters, nesting deep
enough to exhaust the parser's stack, duplicate keys, NaN. Such bodies are
quarantined (stored, never lost), so every failure here is a BodyError with
a reason for the finance user, never an exception that escapes.
"""

import json
import re

MAX_DEPTH = 64
_STRUCTURE = re.compile(rb'[\[\]{}"\\]')


class BodyError(ValueError):
    """The body is not an acceptable JSON document: quarantine it."""


def nesting_depth(body, limit=MAX_DEPTH):
    """Deepest bracket nesting outside strings; stops counting past ``limit``.

    Scans only the bytes that matter (brackets, quotes, backslashes), so a
    1 MiB body costs a regex pass, not a Python loop per byte.
    """
    depth = deepest = 0
    in_string = False
    escaped_at = -1  # position of the byte a backslash escapes
    for match in _STRUCTURE.finditer(body):
        char, position = match.group(), match.start()
        if position == escaped_at:
            continue
        if in_string:
            if char == b"\\":
                escaped_at = position + 1
            elif char == b'"':
                in_string = False
        elif char == b'"':
            in_string = True
        elif char in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                break
        elif char in (b"]", b"}"):
            depth -= 1
    return deepest


def _reject_constant(name):
    raise BodyError(f"{name} is not valid JSON")


def _unique_keys(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise BodyError(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def _contains_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(item) for item in value)
    return False


def parse_body(body):
    """Return the JSON document in ``body`` (bytes) or raise BodyError."""
    if b"\x00" in body:
        raise BodyError("body contains NUL bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BodyError(f"body is not UTF-8: {error.reason} at byte {error.start}") from None
    # No more brackets than the limit: no need to count how deep they go.
    if body.count(b"[") + body.count(b"{") > MAX_DEPTH and nesting_depth(body) > MAX_DEPTH:
        raise BodyError(f"JSON nested deeper than {MAX_DEPTH} levels")
    try:
        document = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise BodyError(f"invalid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    except RecursionError:
        raise BodyError(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    # A NUL inside a string can only come from a \u0000 escape (raw NUL
    # bytes were refused above): without one, there is nothing to look for.
    if "\\u0000" in text and _contains_nul(document):
        raise BodyError("JSON strings contain NUL characters")
    return document
