# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import os
import threading
import time

from odoo import api, models
from odoo.tools import SQL

WINDOW_SECONDS = 60


class ConstructionRateLimiter(models.AbstractModel):
    """Requests per connector per minute, counted in PostgreSQL so that every
    Odoo worker process (and every server) shares one count.

    Each worker thread counts in a row of its own (its "slot") and reads the
    sum of all slots: no two transactions ever update the same row, so the
    count never causes a serialization failure or a lock wait. Hits of
    requests still in flight elsewhere are seen once they commit, so the
    limit can be overshot by at most the number of workers.
    """

    _name = "construction.rate.limiter"
    _description = "Construction Webhook Rate Limiter"
    _table_name = "construction_rate_window"

    def init(self):
        # UNLOGGED: counts are worth nothing after a crash, and skip the WAL.
        self.env.cr.execute(
            SQL(
                """CREATE UNLOGGED TABLE IF NOT EXISTS %s (
                    connector_id INTEGER NOT NULL,
                    slot VARCHAR NOT NULL,
                    window_start BIGINT NOT NULL,
                    hits INTEGER NOT NULL,
                    PRIMARY KEY (connector_id, slot))""",
                SQL.identifier(self._table_name),
            )
        )

    @api.model
    def _count_hit_sql(self, connector_id, limit_per_minute, now):
        """CTEs ``hit`` and ``allowed`` that count one request and say whether
        it is within the limit: spliced into the statement that stores the
        events, so counting costs no round trip of its own."""
        window = int(now // WINDOW_SECONDS)
        return SQL(
            """hit AS (
                   INSERT INTO %(table)s AS w (connector_id, slot, window_start, hits)
                   VALUES (%(connector)s, %(slot)s, %(window)s, 1)
                   ON CONFLICT (connector_id, slot) DO UPDATE SET
                       hits = CASE WHEN w.window_start = EXCLUDED.window_start THEN w.hits + 1 ELSE 1 END,
                       window_start = EXCLUDED.window_start
                   RETURNING hits),
               allowed AS (
                   -- WITH parts share one snapshot: the other slots, plus our own count
                   SELECT %(limit)s <= 0 OR (SELECT hits FROM hit) + COALESCE(SUM(r.hits), 0) <= %(limit)s AS ok
                     FROM %(table)s r
                    WHERE r.connector_id = %(connector)s AND r.window_start = %(window)s AND r.slot <> %(slot)s)""",
            table=SQL.identifier(self._table_name),
            connector=connector_id,
            slot=f"{os.getpid()}:{threading.get_ident()}",
            window=window,
            limit=limit_per_minute,
        )

    @api.autovacuum
    def _gc_stale_windows(self):
        """Forget the slots of workers gone for more than a window."""
        self.env.cr.execute(
            SQL(
                "DELETE FROM %s WHERE window_start < %s",
                SQL.identifier(self._table_name),
                int(time.time() // WINDOW_SECONDS) - 1,
            )
        )

    @api.model
    def _retry_after(self, now):
        """Seconds until the current window closes."""
        return max(1, int((now // WINDOW_SECONDS + 1) * WINDOW_SECONDS - now + 0.999))
