# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import time

from odoo import api, models
from odoo.tools import SQL

from .db import read_committed_cursor

WINDOW_SECONDS = 60


class ConstructionRateLimiter(models.AbstractModel):
    """Requests per connector per minute, counted in PostgreSQL so that every
    Odoo worker process (and every server) shares one count."""

    _name = "construction.rate.limiter"
    _description = "Construction Webhook Rate Limiter"
    _table_name = "construction_rate_window"

    def init(self):
        # UNLOGGED: counts are worth nothing after a crash, and skip the WAL.
        self.env.cr.execute(
            SQL(
                """CREATE UNLOGGED TABLE IF NOT EXISTS %s (
                    connector_id INTEGER PRIMARY KEY,
                    window_start BIGINT NOT NULL,
                    hits INTEGER NOT NULL)""",
                SQL.identifier(self._table_name),
            )
        )

    @api.model
    def _hit(self, connector_id, limit_per_minute):
        """Count one request; return 0 if allowed, else seconds to wait."""
        if limit_per_minute <= 0:
            return 0
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        query = SQL(
            """INSERT INTO %(table)s AS w (connector_id, window_start, hits) VALUES (%(connector)s, %(window)s, 1)
               ON CONFLICT (connector_id) DO UPDATE SET
                   hits = CASE WHEN w.window_start = EXCLUDED.window_start THEN w.hits + 1 ELSE 1 END,
                   window_start = EXCLUDED.window_start
               RETURNING hits""",
            table=SQL.identifier(self._table_name),
            connector=connector_id,
            window=window,
        )
        # Concurrent requests queue on the row for microseconds instead of
        # failing the request's own transaction with a serialization error.
        with read_committed_cursor(self.env.registry) as cr:
            cr.execute(query)
            hits = cr.fetchone()[0]
        if hits <= limit_per_minute:
            return 0
        return max(1, int((window + 1) * WINDOW_SECONDS - now + 0.999))
