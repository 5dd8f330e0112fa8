# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Concurrent deliveries against the real server with real commits.

Not an HttpCase: its test mode funnels every request through one cursor,
which would hide races. Here requests run in their own transactions, so the
fixture is committed and removed again.
"""

import threading
import time
from datetime import timedelta

import requests

from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tools import config

from odoo.addons.construction_connector.lib.signatures import sign_headers

from .common import STANDARD_SECRET, committed_env, encode, make_event


@tagged("post_install", "-at_install")
class TestConcurrentDeliveries(BaseCase):
    def setUp(self):
        super().setUp()
        self.registry = Registry(config["db_name"])
        with committed_env(self.registry) as env:
            connector = env["construction.connector"].create({"name": "Concurrency", "auth_scheme": "standard"})
            connector.action_set_secret(STANDARD_SECRET)
            self.connector_id, self.token = connector.id, connector.route_token
        self.addCleanup(self._remove_fixture)

    def _remove_fixture(self):
        with committed_env(self.registry) as env:
            connector = env["construction.connector"].browse(self.connector_id)
            connector.job_ids.unlink()
            connector.unlink()

    def test_twenty_concurrent_deliveries_of_one_event_store_one_row(self):
        event = make_event()
        body = encode(event)
        url = f"http://127.0.0.1:{config['http_port']}/construction/webhook/{self.token}"
        start = threading.Barrier(20)
        statuses = []

        def deliver():
            headers = {
                "Content-Type": "application/json",
                **sign_headers("standard", STANDARD_SECRET, body, event["id"], int(time.time())),
            }
            start.wait()
            statuses.append(requests.post(url, data=body, headers=headers, timeout=60).status_code)

        # Warm the server up first: Odoo builds its static-file map lazily on
        # the first three-segment path, and CPython 3.11.7 can fail compiling
        # manifests in 20 threads at once, which is not what this test is about.
        requests.get(url, timeout=60)
        threads = [threading.Thread(target=deliver) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(statuses), [200] * 19 + [202])
        with committed_env(self.registry) as env:
            jobs = env["construction.inbound.job"].search([("connector_id", "=", self.connector_id)])
            self.assertEqual(jobs.mapped("event_id"), [event["id"]])

    def test_an_event_accepted_while_the_cron_runs_leaves_a_wake_up_the_run_cannot_sweep(self):
        """Odoo's cron ends a run by deleting the triggers older than its
        start, in the transaction that started the run: the event's own
        wake-up must survive that, or the event waits for the next interval."""
        with committed_env(self.registry) as env:
            cron = env.ref("construction_connector.ir_cron_process_inbound_jobs")
            cron_id = cron.id
            served = env.cr.now() - timedelta(seconds=5)
            env["ir.cron.trigger"].create({"cron_id": cron_id, "call_at": served})  # the one the run serves
        self.addCleanup(self._remove_triggers, cron_id)
        event = make_event()
        body = encode(event)
        url = f"http://127.0.0.1:{config['http_port']}/construction/webhook/{self.token}"
        headers = {
            "Content-Type": "application/json",
            **sign_headers("standard", STANDARD_SECRET, body, event["id"], int(time.time())),
        }
        with self.registry.cursor() as run_cr:
            run_cr.execute("SELECT id FROM ir_cron_trigger WHERE cron_id = %s", [cron_id])  # the run starts
            self.assertEqual(requests.post(url, data=body, headers=headers, timeout=60).status_code, 202)
            run_cr.execute(  # as ir.cron._reschedule_later ends the run
                "DELETE FROM ir_cron_trigger WHERE cron_id = %s AND call_at < (now() at time zone 'UTC')", [cron_id]
            )
        with committed_env(self.registry) as env:
            self.assertTrue(env["ir.cron.trigger"].search_count([("cron_id", "=", cron_id)]))

    def _remove_triggers(self, cron_id):
        with committed_env(self.registry) as env:
            env["ir.cron.trigger"].search([("cron_id", "=", cron_id)]).unlink()
