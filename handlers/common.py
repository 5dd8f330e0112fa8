# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What every posting handler does the same way: resolve codes, respect lock
dates, keep one live posting per source record, keep provisional cost."""

from odoo import fields

from ..lib.batch_time import out_of_time
from ..lib.failures import Deferred, JobFailure, LockedPeriod
from ..lib.mapping_kinds import MAPPING_MODELS


def post_one_by_one(handler, env, items):
    """Each job in a savepoint: a failing job's writes are undone, not the
    others'. Once the batch is out of time, the rest are left for the next."""
    failures = {}
    for job, activity in items:
        if out_of_time(env.context):
            failures[job.id] = Deferred()
            continue
        try:
            with env.cr.savepoint():
                handler(env, job, activity)
        except JobFailure as failure:
            failures[job.id] = failure
    return failures


class Activity:
    """One job's field activity, as a handler posts it.

    Subclasses say how an approved activity posts (``post``), how a posting
    is taken back (``withdraw``) and what it would cost (``estimate``); the
    status decides which runs. ``handle`` is what the registry calls.
    """

    record_type = None  # construction.provisional.cost record_type

    def __init__(self, env, job, activity, resolved=None):
        self.env = env
        self.resolved = {} if resolved is None else resolved  # lookups shared by the jobs of one batch
        self.job = job
        self.activity = activity
        self.data = activity.data
        self.on_date = activity.on_date
        self.key = f"{job.connector_id.id}:{job.record_type}:{job.source_id}"

    @classmethod
    def handle_many(cls, env, items):
        """Post several jobs; {job id: failure} of those that could not."""
        return post_one_by_one(cls.handle, env, items)

    @classmethod
    def handle(cls, env, job, activity):
        return cls(env, job, activity).apply()

    def apply(self):
        if self.activity.approved:
            self.drop_provisional()
            return self.post()
        self.withdraw()
        if self.activity.status == "submitted":
            self.keep_provisional()
        else:
            self.drop_provisional()
        return None

    def post(self):
        raise NotImplementedError

    def withdraw(self):
        raise NotImplementedError

    def estimate(self):
        """(quantity, amount) of the provisional cost."""
        raise NotImplementedError

    # Codes to Odoo records

    def resolve(self, kind, field, required=True):
        if kind in self.activity.records:  # chosen by finance when reposting
            return self.env[MAPPING_MODELS[kind]].browse(self.activity.records[kind])
        code = self.data.get(field)
        if not code and not required:
            return None
        key = (kind, code, self.on_date)
        if key not in self.resolved:
            Mapping = self.env["construction.mapping"].sudo()
            self.resolved[key] = Mapping._resolve(self.job.connector_id, kind, code, self.on_date).with_env(self.env)
        return self.resolved[key]

    def rate(self, kind, field):
        Mapping = self.env["construction.mapping"].sudo()
        return Mapping._resolve_rate(self.job.connector_id, kind, self.data[field], self.on_date)

    def project_account(self, project):
        """The project's analytic account; a project made without one gets it now."""
        if not project.account_id:
            project.sudo()._create_analytic_account()
        return project.account_id

    def place(self):
        """(project, phase or empty task, cost code) the activity belongs to."""
        return (
            self.resolve("project", "project"),
            self.resolve("phase", "phase", required=False) or self.env["project.task"],
            self.resolve("cost_code", "cost_code"),
        )

    # Accounting rules

    def check_open_period(self, on_date, purchase=False):
        """Lock dates are finance's: a posting inside one is held, not forced."""
        company = self.env.company
        key = ("lock dates", company.id, str(on_date), purchase)
        if key not in self.resolved:  # a batch's jobs mostly share a few dates
            self.resolved[key] = company._get_lock_date_violations(
                fields.Date.to_date(on_date), fiscalyear=True, sale=False, purchase=purchase, tax=False, hard=True
            )
        violations = self.resolved[key]
        if violations:
            raise LockedPeriod(
                self.env._(
                    "%(date)s is inside a locked period of %(company)s (%(locks)s): "
                    "repost with another date, or reopen the period and requeue.",
                    date=on_date,
                    company=company.name,
                    locks=company._format_lock_dates(violations),
                )
            )

    def round(self, amount):
        return self.env.company.currency_id.round(float(amount))

    # Provisional cost

    def keep_provisional(self):
        project, task, cost_code = self.place()
        quantity, amount = self.estimate()
        values = {
            "source_key": self.key,
            "connector_id": self.job.connector_id.id,
            "company_id": self.env.company.id,
            "job_id": self.job.id,
            "record_type": self.record_type,
            "description": f"{self.job.source_id} (rev. {self.job.revision})",
            "date": self.on_date,
            "project_id": project.id,
            "task_id": task.id,
            "cost_code_id": cost_code.id,
            "quantity": quantity,
            "amount": amount,
        }
        row = self._provisional()
        if row:
            row.write(values)
        else:
            row.create(values)

    def drop_provisional(self):
        self._provisional().unlink()

    def _provisional(self):
        return self.env["construction.provisional.cost"].sudo().search([("source_key", "=", self.key)])


class AnalyticActivity(Activity):
    """Activity that posts as one analytic line per source record."""

    def line_values(self):
        raise NotImplementedError

    def live_line(self):
        return self.env["account.analytic.line"].search([("construction_source_key", "=", self.key)])

    @classmethod
    def handle_many(cls, env, items):
        """Approved activity with no live line yet is created in one go (the
        ORM then recomputes what depends on the lines once, not per line);
        the rest one by one."""
        resolved = {}
        activities = [cls(env, job, activity, resolved) for job, activity in items]
        Line = env["account.analytic.line"]
        live = set(
            Line.search([("construction_source_key", "in", [a.key for a in activities])]).mapped(
                "construction_source_key"
            )
        )
        new, values, rest, failures = [], [], [], {}
        for posting in activities:
            if not posting.activity.approved or posting.key in live:
                rest.append((posting.job, posting.activity))
                continue
            try:
                posting.check_open_period(posting.on_date)
                values.append(posting.full_line_values())
                new.append(posting.key)
            except JobFailure as failure:  # nothing written yet
                failures[posting.job.id] = failure
        with Line._batch_create():
            Line.create(values)
        env["construction.provisional.cost"].sudo().search([("source_key", "in", new)]).unlink()
        failures.update(post_one_by_one(cls.handle, env, rest))
        return failures

    def full_line_values(self):
        return {
            **self.line_values(),
            "date": self.on_date,
            "construction_job_id": self.job.id,
            "construction_source_key": self.key,
        }

    def post(self):
        self.check_open_period(self.on_date)
        values = self.full_line_values()
        line = self.live_line()
        if line:
            self.check_open_period(line.date)
            line.write(values)  # a newer approved revision: the posting follows it
            return line
        return self.env["account.analytic.line"].create(values)

    def withdraw(self):
        line = self.live_line()
        if line:
            self.check_open_period(line.date)
            line.unlink()

    def estimate(self):
        values = self.line_values()
        return values["unit_amount"], -values["amount"]

    def cost_values(self, project, task, cost_code, amount, general_account=None):
        """Values of a cost line that is not a timesheet: the project's and
        the cost code's analytic accounts, and the financial account."""
        plan_column = self.env["account.analytic.line"]._cost_code_column()
        return {
            "account_id": self.project_account(project).id,
            plan_column: cost_code.analytic_account_id.id,
            "construction_phase_id": task.id,
            "amount": -self.round(amount),
            "general_account_id": (cost_code.expense_account_id or general_account or self.env["account.account"]).id,
            "company_id": self.env.company.id,
        }
