# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""1.1.0 stores what each job's activity is about (project, cost code, date,
quantities) when it is processed. Fill it in for jobs processed before, so
that search, group-by and the reconciliation see them too."""

from odoo import SUPERUSER_ID, api

from odoo.addons.construction_connector.lib.failures import JobFailure
from odoo.addons.construction_connector.lib.normalise import normalise


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    jobs = env["construction.inbound.job"].search([("record_type", "!=", False), ("activity_date", "=", False)])
    for job in jobs:
        try:
            event = job._read_event()
        except JobFailure:
            continue  # unreadable: nothing to describe
        activity = normalise(event, job.overrides)
        job.with_context(tracking_disable=True).write(job._describe_activity(activity))
