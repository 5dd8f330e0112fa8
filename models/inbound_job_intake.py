# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
import json
import time

from odoo import fields, models
from odoo.tools import SQL


class ConstructionInboundJob(models.Model):
    """Intake: verified requests become jobs, in one statement."""

    _inherit = "construction.inbound.job"

    def _insert_incoming(self, settings, incoming, headers):
        """Count the request against the rate limit and store its events, in
        one statement: returns (within_limit, [(job_id, created)] in the
        order of ``incoming``). Over the limit, nothing is stored.

        INSERT ... ON CONFLICT DO NOTHING: two deliveries of one event may
        race, and Odoo replays a request after a serialization error; the
        unique (connector_id, event_id) key decides, not Python. The same
        statement leaves a trigger for the processing cron.
        """
        now = fields.Datetime.now()
        headers_json = json.dumps(headers, sort_keys=True)
        first = {}
        for event in incoming:
            first.setdefault(event.event_id, event)
        rows = [
            {
                "connector_id": settings.connector_id,
                "company_id": settings.company_id,
                "event_id": event.event_id,
                "event_type": event.event_type,
                "event_version": event.event_version,
                "state": event.state,
                **_payload_columns(event.payload),
                "headers": headers_json,
                "error_class": "validation" if event.state == "quarantined" else None,
                "last_error": event.error,
                "received_at": str(now),
                "attempts": 0,
                "create_date": str(now),
                "write_date": str(now),
                "create_uid": self.env.uid,
                "write_uid": self.env.uid,
            }
            for event in first.values()
        ]
        columns = SQL(", ").join(SQL.identifier(column) for column in rows[0])
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id("construction_connector.ir_cron_process_inbound_jobs")
        count_hit = self.env["construction.rate.limiter"]._count_hit_sql(
            settings.connector_id, settings.rate_limit_per_minute, time.time()
        )
        self.env.cr.execute(
            SQL(
                """WITH %(count_hit)s,
                   inserted AS (
                       INSERT INTO construction_inbound_job (%(columns)s)
                       SELECT %(columns)s FROM jsonb_populate_recordset(NULL::construction_inbound_job, %(rows)s)
                        WHERE (SELECT ok FROM allowed)
                       ON CONFLICT (connector_id, event_id) DO NOTHING
                       RETURNING event_id, id, state),
                   wake_up AS (
                       INSERT INTO ir_cron_trigger (cron_id, call_at, create_uid, write_uid, create_date, write_date)
                       SELECT %(cron)s, %(now)s, %(uid)s, %(uid)s, %(now)s, %(now)s
                        WHERE EXISTS (SELECT 1 FROM inserted WHERE state = 'received'))
                   SELECT allowed.ok, inserted.event_id, inserted.id, inserted.state = 'received'
                     FROM allowed LEFT JOIN inserted ON TRUE""",
                count_hit=count_hit,
                columns=columns,
                rows=json.dumps(rows),
                cron=cron_id,
                now=now,
                uid=self.env.uid,
            )
        )
        rows = self.env.cr.fetchall()  # at least one: the "allowed" row, joined to what was inserted
        if not rows[0][0]:
            return False, []
        created, wake_cron = {}, False
        for _allowed, event_id, job_id, needs_wake in rows:
            if event_id:
                created[event_id] = job_id
                wake_cron |= needs_wake
        if wake_cron:
            # Each request commits its own trigger row, with its jobs: a run
            # of the cron in progress deletes only the triggers its snapshot
            # saw, so this wake-up cannot be swept away with an older one.
            # The notification is what wakes an idle cron worker at once.
            self.env.cr.postcommit.add(self.env["ir.cron"].browse(cron_id)._notifydb)
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


def _payload_columns(body):
    """Text when the bytes are text, else base64 in payload_raw as the ORM stores binaries."""
    if b"\x00" not in body:
        try:
            return {"payload": body.decode("utf-8"), "payload_raw": None}
        except UnicodeDecodeError:
            pass
    return {"payload": None, "payload_raw": base64.b64encode(body).decode()}
