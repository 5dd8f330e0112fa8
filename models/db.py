# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from contextlib import closing, contextmanager

from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED


@contextmanager
def read_committed_cursor(registry):
    """A short transaction of its own, committed when the block succeeds.

    READ COMMITTED rather than Odoo's REPEATABLE READ: an upsert that meets a
    row committed meanwhile by another worker waits and then sees it, instead
    of failing with a serialization error. In test mode the registry hands
    out the test's cursor, so tests still see (and roll back) what it wrote.
    """
    with closing(registry.cursor()) as cr:
        if not registry.in_test_mode():
            # Odoo sets REPEATABLE READ again on the next borrow of this connection.
            cr._cnx.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
        yield cr
        cr.commit()
