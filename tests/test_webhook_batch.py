# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import json

from jsonschema import Draft202012Validator

from odoo.tests import tagged

from odoo.addons.construction_connector.lib.schemas import KNOWN_TYPES

from .common import WebhookCase, encode, make_event


@tagged("post_install", "-at_install")
class TestBatch(WebhookCase):
    def deliver_batch(self, events, batch_id="msg_batch_1"):
        body = encode({"events": events})
        return self.post(body, self.signed_headers(body, batch_id), batch=True)

    def test_per_event_results_with_duplicates_inside_and_across_batches(self):
        stored_before = make_event()
        self.deliver(stored_before)
        fresh, invalid = make_event(), make_event(hours=-1)
        response = self.deliver_batch([fresh, stored_before, invalid, fresh])
        self.assertEqual(response.status_code, 202)
        results = response.json()["results"]
        self.assertEqual(
            [(r["id"], r["status"]) for r in results],
            [
                (fresh["id"], "accepted"),
                (stored_before["id"], "duplicate"),
                (invalid["id"], "quarantined"),
                (fresh["id"], "duplicate"),
            ],
        )
        self.assertEqual(results[0]["job_id"], results[3]["job_id"])
        jobs = self.jobs()
        self.assertEqual(len(jobs), 3)
        self.assertEqual(json.loads(jobs.filtered(lambda j: j.event_id == fresh["id"]).payload), fresh)

    def test_500_events_in_one_request(self):
        events = [make_event() for _ in range(500)]
        response = self.deliver_batch(events)
        self.assertEqual(response.status_code, 202)
        self.assertEqual({r["status"] for r in response.json()["results"]}, {"accepted"})
        self.assertEqual(len(self.jobs()), 500)

    def test_unusable_batches_are_quarantined_whole(self):
        for name, events in {"501 events": [make_event() for _ in range(501)], "no list": {"a": 1}}.items():
            with self.subTest(name):
                response = self.deliver_batch(events, batch_id=f"msg_{name.replace(' ', '_')}")
                self.assertEqual(response.status_code, 202)
                (result,) = response.json()["results"]
                self.assertEqual(result["status"], "quarantined")
        self.assertEqual(set(self.jobs().mapped("state")), {"quarantined"})

    def test_one_signature_covers_the_whole_batch(self):
        body = encode({"events": [make_event()]})
        headers = self.signed_headers(body, "msg_batch")
        tampered = body.replace(b'"hours": 8', b'"hours": 9')
        self.assertEqual(self.post(tampered, headers, batch=True).status_code, 401)
        self.assertFalse(self.jobs())


@tagged("post_install", "-at_install")
class TestOpenApi(WebhookCase):
    def test_openapi_describes_both_endpoints_with_every_event_schema(self):
        response = self.url_open("/construction/openapi.json")
        self.assertEqual(response.status_code, 200)
        spec = response.json()
        self.assertEqual(spec["openapi"], "3.1.0")
        self.assertEqual(set(spec["paths"]), {"/construction/webhook/{token}", "/construction/webhook/{token}/batch"})
        schemas = spec["components"]["schemas"]
        for name in (
            "Envelope",
            "Timesheet",
            "EquipmentUsage",
            "MaterialUsage",
            "WorkOrderCompleted",
            "ChangeOrderApproved",
            "SubcontractProgress",
        ):
            with self.subTest(name):
                Draft202012Validator.check_schema(schemas[name])
        described = schemas["Event"]["description"]
        for event_type in KNOWN_TYPES:
            self.assertIn(f"`{event_type}`", described)
