# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import functools
import os
import threading
import time

from odoo import api, models
from odoo.tools import SQL

WINDOW_SECONDS = 60
# A reservation takes at most this share of a connector's limit, and at most
# half of what is left divided among the workers counting: an idle worker
# can hold back little, and reservations made at the same instant by up to
# this many workers cannot together pass the limit.
MAX_LEASE_SHARE = 50

# Requests each thread may still admit without asking PostgreSQL:
# {(database, connector id): (window, requests left)}.
_leases = threading.local()


class ConstructionRateLimiter(models.AbstractModel):
    """Requests per connector per minute, counted in PostgreSQL so that every
    Odoo worker process (and every server) shares one count.

    Each worker thread counts in a row of its own (its "slot"): no two
    transactions ever update the same row, so counting never causes a
    serialization failure or a lock wait. A thread does not count each
    request there: it reserves a few requests of the window at a time (a
    lease) and admits them without a query, which is what keeps the limit
    off the cost of a request. Reserved requests count for everyone, used
    or not, so the limit holds across workers.
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
    def _admit(self, connector_id, limit_per_minute, now):
        """Whether one more request of the connector fits in this minute's
        limit (0 means no limit). Counts the request if it does."""
        if limit_per_minute <= 0:
            return True
        window = int(now // WINDOW_SECONDS)
        key = (self.env.cr.dbname, connector_id)
        leases = _leases.__dict__.setdefault("by_connector", {})
        lease_window, left = leases.get(key, (None, 0))
        if lease_window == window and left > 0:
            leases[key] = (window, left - 1)
            return True
        granted = self._reserve(connector_id, limit_per_minute, window)
        if not granted:
            return False
        # Usable only once the reservation is committed: a request rolled
        # back (and retried by Odoo) reserved nothing.
        self.env.cr.postcommit.add(functools.partial(leases.__setitem__, key, (window, granted - 1)))
        return True

    def _reserve(self, connector_id, limit_per_minute, window):
        """Reserve requests of ``window`` for this thread's slot; how many
        (0 when the window is full). Other slots' reservations in flight are
        seen once committed, so concurrent reservations can overshoot, by no
        more than what they took together (see MAX_LEASE_SHARE)."""
        table, slot = SQL.identifier(self._table_name), f"{os.getpid()}:{threading.get_ident()}"
        self.env.cr.execute(
            SQL(
                """SELECT COALESCE(SUM(hits), 0), COUNT(*) FILTER (WHERE slot <> %s)
                     FROM %s WHERE connector_id = %s AND window_start = %s""",
                slot,
                table,
                connector_id,
                window,
            )
        )
        used, other_slots = self.env.cr.fetchone()
        left = limit_per_minute - used
        if left <= 0:
            return 0
        lease = max(1, min(left // (2 * (other_slots + 1)), limit_per_minute // MAX_LEASE_SHARE))
        self.env.cr.execute(
            SQL(
                """INSERT INTO %(table)s AS w (connector_id, slot, window_start, hits)
                   VALUES (%(connector)s, %(slot)s, %(window)s, %(lease)s)
                   ON CONFLICT (connector_id, slot) DO UPDATE SET
                       hits = CASE WHEN w.window_start = EXCLUDED.window_start
                                   THEN w.hits + EXCLUDED.hits ELSE EXCLUDED.hits END,
                       window_start = EXCLUDED.window_start""",
                table=table,
                connector=connector_id,
                slot=slot,
                window=window,
                lease=lease,
            )
        )
        return lease

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
