# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Two cron workers on one queue, each with its own database connection."""

import threading
import time

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tools import config

from odoo.addons.construction_connector.lib.intake import read_single

from .common import committed_env, encode, make_event
from .test_job_processing import post_partner, posting_handler

JOBS = 60


@tagged("post_install", "-at_install")
class TestParallelCronWorkers(BaseCase):
    def setUp(self):
        super().setUp()
        self.registry = Registry(config["db_name"])
        with committed_env(self.registry) as env:
            connector = env["construction.connector"].create({"name": "Parallel workers"})
            settings = env["construction.connector"]._intake_settings(connector.route_token)
            events = [make_event(timesheet_id=f"TS-P{n}") for n in range(JOBS)]
            env["construction.inbound.job"]._insert_incoming(
                settings, [read_single(encode(event), event["id"]) for event in events], {}
            )
            self.connector_id = connector.id
        self.addCleanup(self._remove_fixture)

    def _remove_fixture(self):
        with committed_env(self.registry) as env:
            env["res.partner"].search([("name", "=like", "posted TS-P% rev 1")]).unlink()
            connector = env["construction.connector"].browse(self.connector_id)
            connector.job_ids.unlink()
            connector.unlink()

    def _worker(self, claimed):
        """What Odoo's cron does: call, commit, call again while jobs remain."""
        while True:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                Job = env["construction.inbound.job"]
                jobs = Job._claim(5)
                claimed.extend(jobs.ids)
                if not jobs:
                    return
                time.sleep(0.02)  # widen the window in which the other worker could steal them
                jobs._run_batch()
                cr.commit()

    def test_two_workers_never_process_the_same_job(self):
        claims = [[], []]
        with posting_handler(post_partner):
            workers = [threading.Thread(target=self._worker, args=(claims[n],)) for n in range(2)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
        self.assertFalse(set(claims[0]) & set(claims[1]), "a job was claimed by both workers")
        self.assertTrue(claims[0] and claims[1], "both workers took part")
        with committed_env(self.registry) as env:
            jobs = env["construction.inbound.job"].search([("connector_id", "=", self.connector_id)])
            self.assertEqual(len(jobs), JOBS)
            self.assertEqual(set(jobs.mapped("state")), {"done"})
            self.assertEqual(set(jobs.mapped("attempts")), {1})
            posted = env["res.partner"].search([("name", "=like", "posted TS-P% rev 1")])
            self.assertEqual(sorted(posted.mapped("name")), sorted(f"posted TS-P{n} rev 1" for n in range(JOBS)))
