# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
import functools
import json
import threading
import time

import psycopg2

from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import SQL

# The processing cron is woken at most once per this many seconds by each
# process: a wake-up (trigger row and NOTIFY, in a transaction of its own)
# costs more than storing the event. The cron looks for ready jobs again
# WAKE_RECHECK_SECONDS after each run it ends idle, which covers an event
# whose wake-up was skipped (see _cron_process_jobs).
WAKE_INTERVAL_SECONDS = 0.1
WAKE_RECHECK_SECONDS = 3 * WAKE_INTERVAL_SECONDS
_last_wake = {}  # database name -> time.monotonic() of this process's last wake-up
_wake_lock = threading.Lock()

COLUMNS = (
    "connector_id",
    "company_id",
    "event_id",
    "event_type",
    "event_version",
    "state",
    "payload",
    "payload_raw",
    "headers",
    "error_class",
    "last_error",
    "received_at",
    "attempts",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)
COLUMNS_SQL = SQL(", ").join(map(SQL.identifier, COLUMNS))


class ConstructionInboundJob(models.Model):
    """Intake: verified requests become jobs."""

    _inherit = "construction.inbound.job"

    def _insert_incoming(self, settings, incoming, headers):
        """Count the request against the rate limit and store its events:
        returns (within_limit, [(job_id, created)] in the order of
        ``incoming``). Over the limit, nothing is stored.

        INSERT ... ON CONFLICT DO NOTHING: two deliveries of one event may
        race, and Odoo replays a request after a serialization error; the
        unique (connector_id, event_id) key decides, not Python.
        """
        limiter = self.env["construction.rate.limiter"]
        if not limiter._admit(settings.connector_id, settings.rate_limit_per_minute, time.time()):
            return False, []
        now = fields.Datetime.now()
        headers_json = json.dumps(headers, sort_keys=True)
        first = {}
        for event in incoming:
            first.setdefault(event.event_id, event)
        rows = [
            (
                settings.connector_id,
                settings.company_id,
                event.event_id,
                event.event_type,
                event.event_version,
                event.state,
                *_payload_columns(event.payload),
                headers_json,
                "validation" if event.state == "quarantined" else None,
                event.error,
                now,
                0,
                now,
                now,
                self.env.uid,
                self.env.uid,
            )
            for event in first.values()
        ]
        self.env.cr.execute(
            SQL(
                """INSERT INTO construction_inbound_job (%s) VALUES %s
                   ON CONFLICT (connector_id, event_id) DO NOTHING
                   RETURNING event_id, id, state""",
                COLUMNS_SQL,
                SQL(", ").join(SQL("%s", row) for row in rows),
            )
        )
        created, states = {}, set()
        for event_id, job_id, state in self.env.cr.fetchall():
            created[event_id] = job_id
            states.add(state)
        if "received" in states:
            self.env.cr.postcommit.add(functools.partial(_wake_processing, self.env.registry))
        missing = [event_id for event_id in first if event_id not in created]
        existing = {}
        if missing:
            self.env.cr.execute(
                SQL(
                    "SELECT event_id, id FROM construction_inbound_job WHERE connector_id = %s AND event_id IN %s",
                    settings.connector_id,
                    tuple(missing),
                )
            )
            existing = dict(self.env.cr.fetchall())
        results, seen = [], set()
        for event in incoming:
            is_new = event.event_id in created and event.event_id not in seen
            seen.add(event.event_id)
            results.append((created.get(event.event_id) or existing.get(event.event_id), is_new))
        return True, results


def _wake_processing(registry):
    """After the commit of new jobs: trigger the processing cron, unless this
    process did less than WAKE_INTERVAL_SECONDS ago.

    The time is taken before the trigger is sent, so every skipped wake-up
    follows one sent at most WAKE_INTERVAL_SECONDS earlier: the run that
    one starts ends with a look at the queue WAKE_RECHECK_SECONDS later,
    and finds the jobs whose wake-up was skipped. The trigger is a
    transaction of its own: Odoo's cron deletes, at the end of a run, the
    triggers it saw when the run began, never one committed after.
    """
    now = time.monotonic()
    with _wake_lock:
        if now - _last_wake.get(registry.db_name, float("-inf")) < WAKE_INTERVAL_SECONDS:
            return
        _last_wake[registry.db_name] = now
    with registry.cursor() as cr:  # commits, then Odoo's postcommit NOTIFY wakes the cron worker
        api.Environment(cr, SUPERUSER_ID, {})["construction.inbound.job"]._trigger_processing()


def _payload_columns(body):
    """Text when the bytes are text, else base64 in payload_raw, as the ORM stores binaries."""
    if b"\x00" not in body:
        try:
            return body.decode("utf-8"), None
        except UnicodeDecodeError:
            pass
    return None, psycopg2.Binary(base64.b64encode(body))
