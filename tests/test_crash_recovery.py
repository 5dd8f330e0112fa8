# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A real Odoo server is killed with SIGKILL in the middle of a batch, then
restarted: every job still ends posted exactly once."""

import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import requests

from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tools import config

from odoo.addons.construction_connector.lib.intake import read_single
from odoo.addons.construction_connector.models.inbound_job_queue import CRASH_TEST_MARKER, CRASH_TEST_PAUSE_AFTER

from .common import committed_env, encode, make_event

JOBS = 30
PREFIX = "TS-CRASH-"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@tagged("post_install", "-at_install")
class TestCrashRecovery(BaseCase):
    def setUp(self):
        super().setUp()
        if not os.environ.get("CC_ODOO_CONF"):
            self.skipTest("CC_ODOO_CONF not set: run through `make test`")
        self.registry = Registry(config["db_name"])
        self.workdir = Path(tempfile.mkdtemp(prefix="cc-crash-"))
        with committed_env(self.registry) as env:
            env["ir.config_parameter"].set_param("construction_connector.batch_size", 10)
            demo = env.ref("construction_connector.demo_connector")
            settings = env["construction.connector"]._intake_settings(demo.route_token)
            events = [make_event(timesheet_id=f"{PREFIX}{n}", hours=1 + n % 8) for n in range(JOBS)]
            _ok, stored = env["construction.inbound.job"]._insert_incoming(
                settings, [read_single(encode(event), event["id"]) for event in events], {}
            )
            self.job_ids = [job_id for job_id, _created in stored]
        self.addCleanup(self._remove_fixture)

    def _remove_fixture(self):
        with committed_env(self.registry) as env:
            env["ir.config_parameter"].set_param("construction_connector.batch_size", False)  # back to the default
            jobs = env["construction.inbound.job"].browse(self.job_ids)
            jobs.analytic_line_ids.unlink()
            env["construction.source.revision"].search([("job_id", "in", self.job_ids)]).unlink()
            jobs.unlink()

    def start_server(self, **fault_env):
        """Start Odoo, wait until it serves, then wake its cron as a new event would."""
        log = (self.workdir / f"server-{len(fault_env)}.log").open("w")
        port = free_port()
        command = [
            os.environ["CC_PY"],
            os.environ["CC_ODOO_BIN"],
            "-c",
            os.environ["CC_ODOO_CONF"],
            "-d",
            config["db_name"],
            "--workers=0",
            "--max-cron-threads=1",
            f"--http-port={port}",
            "--log-level=info",
        ]
        server = subprocess.Popen(
            command, env={**os.environ, **fault_env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.addCleanup(self._kill, server)
        self.wait_for(lambda: self._serving(port), 60, "the server to start")
        with committed_env(self.registry) as env:
            env.ref("construction_connector.ir_cron_process_inbound_jobs")._trigger()
        return server

    @staticmethod
    def _serving(port):
        try:
            return requests.get(f"http://127.0.0.1:{port}/web/login", timeout=2).ok
        except requests.RequestException:
            return False

    def _kill(self, server):
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(30)

    def states(self):
        with committed_env(self.registry) as env:
            return env["construction.inbound.job"].browse(self.job_ids).mapped("state")

    def wait_for(self, condition, seconds, what):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.5)
        self.fail(f"timed out waiting for {what}; server logs in {self.workdir}")

    def test_sigkill_mid_batch_then_restart_posts_every_job_exactly_once(self):
        marker = self.workdir / "paused"
        crashing = self.start_server(**{CRASH_TEST_PAUSE_AFTER: "5", CRASH_TEST_MARKER: str(marker)})
        self.wait_for(marker.exists, 90, "the cron to pause mid-batch")
        # Five jobs are posted inside the open transaction: kill it now.
        os.killpg(crashing.pid, signal.SIGKILL)
        crashing.wait(30)
        self.assertEqual(self.states().count("done"), 0, "nothing of the killed batch was committed")

        self.start_server()
        self.wait_for(lambda: set(self.states()) == {"done"}, 120, "every job to be done after the restart")

        with committed_env(self.registry) as env:
            jobs = env["construction.inbound.job"].browse(self.job_ids)
            self.assertEqual(set(jobs.mapped("attempts")), {1}, "the killed attempt left no trace")
            lines = jobs.analytic_line_ids
            self.assertEqual(
                sorted(lines.mapped("construction_source_key")),
                sorted(f"{jobs.connector_id.id}:timesheet:{PREFIX}{n}" for n in range(JOBS)),
            )
            self.assertEqual(sum(lines.mapped("unit_amount")), sum(1 + n % 8 for n in range(JOBS)))
