# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Who may write to the queue: signatures, timestamps, rotation, schemes."""

import base64
import json
import math
import time
from datetime import datetime, timedelta

from standardwebhooks.webhooks import Webhook

from odoo.tests import tagged

from odoo.addons.construction_connector.models.connector import new_secret

from .common import DEMO_SECRET, WebhookCase, encode, make_event


def flip_bit(text, position=-2):
    """The same text with one bit of one character flipped."""
    chars = list(text)
    chars[position] = chr(ord(chars[position]) ^ 1)
    return "".join(chars)


@tagged("post_install", "-at_install")
class TestSignatures(WebhookCase):
    def setUp(self):
        super().setUp()
        self.event = make_event()
        self.body = encode(self.event)
        self.headers = self.signed_headers(self.body, self.event["id"])

    def assertRefused(self, body, headers):
        response = self.post(body, headers)
        self.assertEqual(response.status_code, 401, response.text)

    def test_one_flipped_bit_anywhere_is_refused(self):
        signature = self.headers["webhook-signature"]
        cases = {
            "body": (self.body[:-3] + bytes([self.body[-3] ^ 1]) + self.body[-2:], self.headers),
            "id": (self.body, {**self.headers, "webhook-id": flip_bit(self.headers["webhook-id"])}),
            "timestamp": (
                self.body,
                {**self.headers, "webhook-timestamp": flip_bit(self.headers["webhook-timestamp"])},
            ),
            "signature": (self.body, {**self.headers, "webhook-signature": flip_bit(signature, 5)}),
        }
        for name, (body, headers) in cases.items():
            with self.subTest(name):
                self.assertRefused(body, headers)
        self.assertFalse(self.jobs())
        self.assertEqual(self.post(self.body, self.headers).status_code, 202, "the untouched request passes")

    def test_signature_lists(self):
        valid = self.headers["webhook-signature"]
        refused = {
            "bad base64": "v1,not*base64!",
            "only unknown versions": "v2," + valid[3:] + " v1a," + valid[3:],
            "1,000 entries": " ".join([valid] * 1000),
            "empty value": "v1,",
        }
        for name, signature in refused.items():
            with self.subTest(name):
                self.assertRefused(self.body, {**self.headers, "webhook-signature": signature})
        self.assertFalse(self.jobs())
        # A malformed entry beside a valid one does not hide it.
        mixed = f"v1,@@@ garbage v2,abc {valid}"
        response = self.post(self.body, {**self.headers, "webhook-signature": mixed})
        self.assertEqual(response.status_code, 202)

    def test_timestamps_outside_the_window_or_malformed(self):
        # Rounded up: the server reads its clock later than we do, which only
        # brings "ahead" closer to the window (by this request's latency).
        now = math.ceil(time.time())
        for name, stamp in {
            "exponent": "1e9",
            "negative": "-1",
            "20 digits": "9" * 20,
            "301 s old": str(now - 301),
            "301 s ahead": str(now + 301),
            "decimal": f"{now}.5",
        }.items():
            with self.subTest(name):
                headers = self.signed_headers(self.body, self.event["id"], timestamp=stamp)
                self.assertRefused(self.body, headers)
        self.assertFalse(self.jobs())
        inside = self.signed_headers(self.body, self.event["id"], timestamp=now - 290)
        self.assertEqual(self.post(self.body, inside).status_code, 202)

    def test_replay_inside_the_window_is_a_duplicate(self):
        self.assertEqual(self.post(self.body, self.headers).status_code, 202)
        replay = self.post(self.body, self.headers)
        self.assertEqual(replay.status_code, 200)
        self.assertEqual(replay.json()["status"], "duplicate")
        self.assertEqual(len(self.jobs()), 1)

    def test_rotation_then_expiry_of_the_old_secret(self):
        new_secret = self.connector.action_set_secret()
        self.assertTrue(new_secret.startswith("whsec_"))
        for secret in (self.secret, new_secret):
            event = make_event()
            self.assertEqual(self.deliver(event, secret=secret).status_code, 202)
        old = self.connector.secret_ids.filtered(lambda s: s.hint == "…" + self.secret[-4:])
        old.expires_at = datetime.now() - timedelta(seconds=1)
        self.assertEqual(self.deliver(make_event(), secret=self.secret).status_code, 401)
        self.assertEqual(self.deliver(make_event(), secret=new_secret).status_code, 202)
        self.assertEqual(len(self.jobs()), 3)

    def test_every_scheme_round_trips(self):
        for scheme in ("standard", "stripe", "github", "bearer"):
            with self.subTest(scheme):
                connector = self.env["construction.connector"].create({"name": scheme, "auth_scheme": scheme})
                secret = connector.action_set_secret()
                self.assertEqual(secret.startswith("whsec_"), scheme == "standard")
                event = make_event()
                response = self.deliver(event, connector=connector, secret=secret, scheme=scheme)
                self.assertEqual(response.status_code, 202, response.text)
                self.assertEqual(self.jobs(connector).event_id, event["id"], "id from the header or the body")
                self.assertEqual(
                    self.deliver(event, connector=connector, secret=secret, scheme=scheme).status_code, 200
                )
                wrong = self.deliver(make_event(), connector=connector, secret=new_secret(scheme), scheme=scheme)
                self.assertEqual(wrong.status_code, 401)

    def test_stripe_timestamp_window_applies(self):
        connector = self.env["construction.connector"].create({"name": "stripe", "auth_scheme": "stripe"})
        secret = connector.action_set_secret()
        stale = self.signed_headers(self.body, None, timestamp=int(time.time()) - 301, secret=secret, scheme="stripe")
        self.assertEqual(self.post(self.body, stale, connector=connector).status_code, 401)

    def test_reference_standardwebhooks_library_signatures_verify(self):
        webhook = Webhook(self.secret)
        event = make_event()
        body = encode(event).decode()
        moment = datetime.now().astimezone()
        headers = {
            "webhook-id": event["id"],
            "webhook-timestamp": str(int(moment.timestamp())),
            "webhook-signature": webhook.sign(event["id"], moment, body),
        }
        response = self.post(body.encode(), headers)
        self.assertEqual(response.status_code, 202, response.text)
        # And ours verify with the library: we interoperate both ways.
        ours = self.signed_headers(self.body, self.event["id"])
        self.assertEqual(webhook.verify(self.body, ours)["id"], self.event["id"])

    def test_secrets_are_encrypted_and_never_readable_back(self):
        Secret = self.env["construction.connector.secret"]
        self.assertNotIn("ciphertext", Secret.fields_get())
        self.env.cr.execute(
            "SELECT ciphertext FROM construction_connector_secret WHERE connector_id = %s", [self.connector.id]
        )
        (ciphertext,) = self.env.cr.fetchone()
        self.assertNotIn(self.secret, ciphertext)
        self.assertNotIn(base64.b64decode(self.secret[6:]).hex(), ciphertext)
        self.authenticate("admin", "admin")
        rows = self.make_jsonrpc_request(
            "/web/dataset/call_kw/construction.connector.secret/search_read",
            {"model": "construction.connector.secret", "method": "search_read", "args": [[]], "kwargs": {}},
        )
        self.assertTrue(rows)
        self.assertNotIn(self.secret, json.dumps(rows))


@tagged("post_install", "-at_install")
class TestDemoConnector(WebhookCase):
    def test_published_demo_secret_is_accepted(self):
        demo = self.env.ref("construction_connector.demo_connector")
        response = self.deliver(make_event(), connector=demo, secret=DEMO_SECRET)
        self.assertEqual(response.status_code, 202, response.text)
