# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""When to try a failed job again."""

import random


def retry_delay(attempt, base=60, cap=3600, rand=random.random):
    """Seconds to wait before retry number ``attempt`` (1 for the first).

    Exponential, capped, with "equal jitter": at least half the exponential
    delay (so a struggling platform really gets a break), plus a random
    half, so that jobs failed together do not all come back together.
    """
    ceiling = min(cap, base * 2 ** max(0, attempt - 1))
    return ceiling / 2 + rand() * ceiling / 2
