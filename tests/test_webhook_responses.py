# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Every row of DESIGN.md's response table, over real HTTP."""

import base64
import json
import time

from odoo.tests import tagged

from .common import WebhookCase, encode, make_event


@tagged("post_install", "-at_install")
class TestWebhookResponses(WebhookCase):
    def test_accepted_event_is_stored_byte_exact_with_its_headers(self):
        event = make_event()
        body = json.dumps(event, indent=1).encode()  # odd spacing must survive as sent
        headers = self.signed_headers(body, event["id"])
        response = self.post(body, headers)
        self.assertEqual(response.status_code, 202)
        job = self.jobs()
        self.assertEqual(response.json(), {"status": "accepted", "job_id": job.id})
        self.assertRecordValues(
            job,
            [
                {
                    "event_id": event["id"],
                    "event_type": "timesheet.approved",
                    "event_version": "1",
                    "state": "received",
                    "attempts": 0,
                    "company_id": self.connector.company_id.id,
                }
            ],
        )
        self.assertEqual(job.payload.encode(), body)
        self.assertEqual(json.loads(job.headers)["webhook-id"], event["id"])

    def test_same_event_again_is_a_duplicate_and_writes_nothing(self):
        event = make_event()
        first = self.deliver(event)
        again = self.deliver(event)
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json(), {"status": "duplicate", "job_id": first.json()["job_id"]})
        self.assertEqual(len(self.jobs()), 1)

    def test_bodies_that_are_not_usable_json_are_quarantined_not_lost(self):
        cases = {
            "not json": b"this is not json",
            "too deep": b"[" * 65 + b"]" * 65,
            "schema-invalid": encode(make_event(hours=25)),
            "not utf-8": b'{"id": "x\xff\xfe"}',
            "nul byte": b'{"id": "a\x00b"}',
            "escaped nul": b'{"id": "evt_nul", "type": "timesheet.approved", "note": "\\u0000"}',
            "unknown version": encode({**make_event(), "version": "7"}),
            "not an object": b"[1, 2, 3]",
        }
        for name, body in cases.items():
            with self.subTest(name):
                response = self.deliver(body, event_id=f"evt_{name.replace(' ', '_')}")
                self.assertEqual(response.status_code, 202, response.text)
                self.assertEqual(response.json()["status"], "quarantined")
                job = self.env["construction.inbound.job"].browse(response.json()["job_id"])
                self.assertRecordValues(job, [{"state": "quarantined", "error_class": "validation"}])
                self.assertTrue(job.last_error)
                stored = job.payload.encode() if job.payload else base64.b64decode(job.payload_raw)
                self.assertEqual(stored, body, "the exact bytes are kept")

    def test_unknown_event_type_is_kept_as_ignored(self):
        response = self.deliver(make_event("crane.inspected"))
        self.assertEqual(response.status_code, 202)
        self.assertRecordValues(self.jobs(), [{"state": "ignored", "event_type": "crane.inspected"}])

    def test_unknown_token_or_inactive_connector_is_404(self):
        event = make_event()
        body = encode(event)
        response = self.url_open(
            "/construction/webhook/no-such-token",
            data=body,
            headers={"Content-Type": "application/json", **self.signed_headers(body, event["id"])},
        )
        self.assertEqual(response.status_code, 404)
        self.connector.active = False
        self.assertEqual(self.deliver(event).status_code, 404)
        self.assertFalse(self.jobs().with_context(active_test=False))
        self.assertNotIn(event["id"], response.text)

    def test_missing_or_bad_signature_is_401(self):
        event = make_event()
        body = encode(event)
        good = self.signed_headers(body, event["id"])
        cases = {
            "no headers": {},
            "no signature": {k: v for k, v in good.items() if k != "webhook-signature"},
            "no id": {k: v for k, v in good.items() if k != "webhook-id"},
            "no timestamp": {k: v for k, v in good.items() if k != "webhook-timestamp"},
            "other secret": self.signed_headers(
                body, event["id"], secret="whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
            ),
        }
        for name, headers in cases.items():
            with self.subTest(name):
                response = self.post(body, headers)
                self.assertEqual(response.status_code, 401)
                self.assertEqual(response.json(), {"status": "error", "error": "unauthorized"})
        self.assertFalse(self.jobs())

    def test_body_over_the_cap_is_413(self):
        self.connector.max_body_bytes = 1024
        event = make_event(notes="x" * 2000)
        response = self.deliver(event)
        self.assertEqual(response.status_code, 413)
        self.assertFalse(self.jobs())

    def test_content_type_not_json_is_415(self):
        for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
            with self.subTest(content_type):
                response = self.deliver(make_event(), content_type=content_type)
                self.assertEqual(response.status_code, 415)
        self.assertFalse(self.jobs())

    def test_over_the_rate_limit_is_429_with_retry_after(self):
        # A connector of its own: the count is shared by every process, and
        # kept outside the test's transaction.
        connector = self.env["construction.connector"].create({"name": "Limited", "rate_limit_per_minute": 3})
        connector.action_set_secret(self.secret)
        # Start inside a fresh minute so the window cannot roll over mid-test.
        if time.time() % 60 > 50:
            time.sleep(60 - time.time() % 60 + 0.1)
        statuses = [self.deliver(make_event(), connector=connector).status_code for _ in range(3)]
        self.assertEqual(statuses, [202, 202, 202])
        refused = self.deliver(make_event(), connector=connector)
        self.assertEqual(refused.status_code, 429)
        self.assertTrue(1 <= int(refused.headers["Retry-After"]) <= 60)
        self.assertEqual(len(self.jobs(connector)), 3)

    def test_no_input_produces_a_500(self):
        event = make_event()
        bodies = [b"", b"{}", b"null", b'"\\ud800"', b"\xef\xbb\xbf{}", b"{" * 100000]
        for body in bodies:
            with self.subTest(body=body[:20]):
                response = self.deliver(body, event_id=event["id"])
                self.assertLess(response.status_code, 500, response.text)
        get = self.url_open(self.url_for(self.connector))
        self.assertLess(get.status_code, 500)
