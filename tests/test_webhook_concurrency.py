# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Concurrent deliveries against the real server with real commits.

Not an HttpCase: its test mode funnels every request through one cursor,
which would hide races. Here requests run in their own transactions, so the
fixture is committed and removed again.
"""

import threading
import time
from unittest.mock import patch

import requests

from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tools import config

from odoo.addons.construction_connector.lib.signatures import sign_headers
from odoo.addons.construction_connector.models import inbound_job_intake, inbound_job_queue

from .common import STANDARD_SECRET, committed_env, encode, make_event

CRON = "construction_connector.ir_cron_process_inbound_jobs"


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
            # The deliveries' real commits woke the (absent) cron.
            env["ir.cron.trigger"].search([("cron_id", "=", env.ref(CRON).id)]).unlink()

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

    def test_the_rate_limit_is_one_count_for_every_server_thread(self):
        """Deliveries two at a time are served by two server threads, each
        counting in a slot of its own: together they get the limit."""
        with committed_env(self.registry) as env:
            env["construction.connector"].browse(self.connector_id).rate_limit_per_minute = 10
        if time.time() % 60 > 50:  # a fresh minute: the window cannot roll over mid-test
            time.sleep(60 - time.time() % 60 + 0.1)
        statuses = []

        def deliver():
            statuses.append(self._deliver(make_event(), expect=None))

        for _round in range(6):
            pair = [threading.Thread(target=deliver) for _sender in range(2)]
            for thread in pair:
                thread.start()
            for thread in pair:
                thread.join()
        self.assertEqual(sorted(statuses), [202] * 10 + [429] * 2)
        with committed_env(self.registry) as env:
            env.cr.execute("SELECT COUNT(*) FROM construction_rate_window WHERE connector_id = %s", [self.connector_id])
            self.assertGreaterEqual(env.cr.fetchone()[0], 2, "the premise: two threads, two slots")

    def test_a_job_whose_wake_up_was_skipped_is_found_before_the_cron_idles(self):
        """A process wakes the processing cron at most once per interval; a
        run that ends idle looks at the queue again a little later, with a
        fresh snapshot, and finds the job committed after its claim."""
        cron_id = self._cron_id()
        before = self._triggers(cron_id)
        with (
            patch.object(inbound_job_intake, "WAKE_INTERVAL_SECONDS", 3600),
            patch.object(inbound_job_queue, "WAKE_RECHECK_SECONDS", 1.0),
            patch.dict(inbound_job_intake._last_wake, clear=True),
        ):
            first = self._deliver(make_event())
            self.assertEqual(self._triggers(cron_id), before + 1, "the first event of the process wakes the cron")

            run = threading.Thread(target=self._run_cron_once, args=(cron_id,))
            run.start()
            self._wait_until(lambda: self._state(first) != "received")  # the run has claimed and committed it
            second = self._deliver(make_event())
            self.assertEqual(self._triggers(cron_id), before + 1, "the second wake-up is skipped")
            self.assertEqual(self._state(second), "received")
            run.join(30)
        self.assertEqual(
            self._triggers(cron_id), before + 2, "the run, ending idle, saw the second job and woke the cron"
        )

    def _deliver(self, event, expect=202):
        body = encode(event)
        url = f"http://127.0.0.1:{config['http_port']}/construction/webhook/{self.token}"
        headers = {
            "Content-Type": "application/json",
            **sign_headers("standard", STANDARD_SECRET, body, event["id"], int(time.time())),
        }
        response = requests.post(url, data=body, headers=headers, timeout=60)
        if expect is None:
            return response.status_code
        self.assertEqual(response.status_code, expect)
        return response.json()["job_id"]

    def _cron_id(self):
        with committed_env(self.registry) as env:
            return env.ref(CRON).id

    def _run_cron_once(self, cron_id):
        """As Odoo's cron runs the method: its own cursor, cron_id in the context."""
        with committed_env(self.registry) as env:
            env["construction.inbound.job"].with_context(cron_id=cron_id)._cron_process_jobs()

    def _triggers(self, cron_id):
        with committed_env(self.registry) as env:
            return env["ir.cron.trigger"].search_count([("cron_id", "=", cron_id)])

    def _state(self, job_id):
        with committed_env(self.registry) as env:
            return env["construction.inbound.job"].browse(job_id).state

    def _wait_until(self, condition, seconds=30):
        deadline = time.monotonic() + seconds
        while not condition():
            self.assertLess(time.monotonic(), deadline, "timed out")
            time.sleep(0.05)
