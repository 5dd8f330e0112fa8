# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging
import time

from psycopg2 import OperationalError
from werkzeug.exceptions import RequestEntityTooLarge

from odoo import http
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ..lib.intake import read_batch, read_single
from ..lib.openapi import build_openapi
from ..lib.signatures import SignatureError

_logger = logging.getLogger(__name__)

JSON_TYPES = ("application/json",)
# Headers worth keeping with the job: they are what was signed or who sent it.
KEPT_HEADERS = (
    "content-type",
    "user-agent",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "x-signature",
    "x-hub-signature-256",
)
# Not readonly, the default for auth="none": the request stores the event.
ROUTE = {"type": "http", "auth": "none", "methods": ["POST"], "csrf": False, "save_session": False, "readonly": False}


def _answer(status, body, headers=None):
    return request.make_json_response(body, headers=headers, status=status)


class WebhookController(http.Controller):
    @http.route("/construction/webhook/<string:token>", **ROUTE)
    def receive_event(self, token, **_params):
        return self._receive(token, batch=False)

    @http.route("/construction/webhook/<string:token>/batch", **ROUTE)
    def receive_batch(self, token, **_params):
        return self._receive(token, batch=True)

    @http.route("/construction/openapi.json", type="http", auth="none", methods=["GET"], save_session=False)
    def openapi(self):
        return _answer(200, build_openapi(request.httprequest.host_url.rstrip("/")))

    def _receive(self, token, batch):
        try:
            return self._verify_and_store(token, batch)
        except OperationalError as error:
            if isinstance(error, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY):
                raise  # Odoo replays the whole request; the insert is idempotent
            return self._unavailable()
        except Exception:
            _logger.exception("webhook intake failed")
            return self._unavailable()

    def _unavailable(self):
        # Nothing of this request may be committed: the platform will resend.
        request.env.cr.rollback()
        return _answer(503, {"status": "error", "error": "temporarily unavailable"}, [("Retry-After", "30")])

    def _verify_and_store(self, token, batch):
        env = request.env(su=True)
        settings = env["construction.connector"]._intake_settings(token) if len(token) <= 128 else None
        if not settings:
            return _answer(404, {"status": "error", "error": "not found"})
        httprequest = request.httprequest
        if httprequest.mimetype not in JSON_TYPES:
            return _answer(415, {"status": "error", "error": "content type must be application/json"})
        length = httprequest.content_length
        if length is not None and length > settings.max_body_bytes:
            return _answer(413, {"status": "error", "error": "body too large"})
        httprequest.max_content_length = settings.max_body_bytes
        try:
            body = httprequest.get_data(cache=True)
        except RequestEntityTooLarge:
            return _answer(413, {"status": "error", "error": "body too large"})
        headers = {name.lower(): value for name, value in httprequest.headers.items()}
        try:
            verified = env["construction.connector"]._verify(settings, headers, body)
        except SignatureError as error:
            _logger.info("webhook for connector %s refused: %s", settings.connector_id, error)
            return _answer(401, {"status": "error", "error": "unauthorized"})

        # Only now, with the sender proven, is the body decoded and parsed.
        incoming = read_batch(body, verified.event_id) if batch else [read_single(body, verified.event_id)]
        settings.ignore_disallowed(incoming)
        kept = {name: headers[name] for name in KEPT_HEADERS if name in headers}
        # The rate limit counts requests that passed verification: refused
        # ones write nothing at all, not even to the counter.
        within_limit, stored = env["construction.inbound.job"]._insert_incoming(settings, incoming, kept)
        if not within_limit:
            wait = env["construction.rate.limiter"]._retry_after(time.time())
            return _answer(429, {"status": "error", "error": "rate limited"}, [("Retry-After", str(wait))])
        # Odoo commits this request's transaction when we return, before the
        # response is sent: no 2xx ever leaves for an event not stored.
        results = [
            {"id": event.event_id, "status": _status(event, created), "job_id": job_id}
            for event, (job_id, created) in zip(incoming, stored, strict=True)
        ]
        if batch:
            return _answer(202, {"status": "processed", "results": results})
        result = results[0]
        del result["id"]
        return _answer(200 if result["status"] == "duplicate" else 202, result)


def _status(event, created):
    if not created:
        return "duplicate"
    return "quarantined" if event.state == "quarantined" else "accepted"
