# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
import secrets
import time
from collections import defaultdict
from datetime import UTC

from odoo import api, fields, models, tools
from odoo.exceptions import UserError

from ..lib import signatures
from ..lib.intake import IntakeSettings
from ..lib.schemas import KNOWN_TYPES
from .inbound_job import ATTENTION_STATES, READY_STATES

AUTH_SCHEMES = [
    ("standard", "Standard Webhooks"),
    ("stripe", "Stripe-style signature"),
    ("github", "GitHub-style signature"),
    ("bearer", "Bearer token"),
]


def new_route_token():
    # 32 bytes of randomness: the token is the only thing standing between
    # the public URL and our queue, before the signature is even checked.
    return secrets.token_urlsafe(32)


def new_secret(auth_scheme):
    if auth_scheme == "standard":
        return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    return secrets.token_urlsafe(32)


class ConstructionConnector(models.Model):
    _name = "construction.connector"
    _description = "Construction Field Platform Connector"
    _inherit = ["mail.thread", "construction.cache.mixin"]  # _intake_settings
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    auth_scheme = fields.Selection(
        AUTH_SCHEMES,
        required=True,
        default="standard",
        tracking=True,
        help="How the field platform proves a request comes from it.",
    )
    route_token = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: new_route_token(),
        groups="construction_connector.group_construction_admin",
        help="Unguessable part of the webhook URL. Regenerate it if the URL leaked.",
    )
    endpoint_url = fields.Char(
        compute="_compute_endpoint_url",
        groups="construction_connector.group_construction_admin",
        help="Give this URL to the field platform.",
    )
    timestamp_tolerance = fields.Integer(
        default=300, help="Seconds a signed timestamp may be away from now, in either direction."
    )
    max_body_bytes = fields.Integer(string="Body Size Cap (bytes)", default=1024 * 1024)
    rate_limit_per_minute = fields.Integer(
        default=600, help="Requests per minute accepted from this platform, across all workers. 0: no limit."
    )
    allowed_event_types = fields.Char(
        help="Comma-separated event types to process, e.g. timesheet.approved, equipment.usage. "
        "Empty: all. Other types are stored as ignored."
    )
    approval_event_types = fields.Char(
        string="Approve in Odoo",
        help="Comma-separated event types that wait for a Finance user's approval in Odoo before they post.",
    )
    approval_amount = fields.Float(
        string="Approve Change Orders Above",
        digits="Account",
        help="Change orders of a larger amount wait for a Finance user's approval in Odoo. Zero: no limit.",
    )
    alert_user_id = fields.Many2one(
        "res.users",
        string="Finance Contact",
        domain=lambda self: [("groups_id", "in", self.env.ref("construction_connector.group_construction_finance").id)],
        help="Gets an activity for each job of this connector that needs attention. Empty: the first Finance user.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Integration User",
        required=True,
        default=lambda self: self.env.user,
        help="Postings are made as this user, with their access rights.",
    )
    secret_ids = fields.One2many(
        "construction.connector.secret",
        "connector_id",
        string="Secrets",
        groups="construction_connector.group_construction_admin",
        context={"active_test": False},
    )
    job_ids = fields.One2many("construction.inbound.job", "connector_id", string="Jobs")
    mapping_ids = fields.One2many("construction.mapping", "connector_id", string="Mappings")
    job_count = fields.Integer(compute="_compute_job_count")
    # The overview card
    queued_count = fields.Integer(compute="_compute_overview", string="Queued")
    done_count = fields.Integer(compute="_compute_overview", string="Done")
    attention_count = fields.Integer(compute="_compute_overview", string="Needs Attention")
    last_event_at = fields.Datetime(compute="_compute_overview", string="Last Event")
    oldest_attention_at = fields.Datetime(compute="_compute_overview", string="Oldest Needing Attention")
    health = fields.Selection(
        [("good", "Healthy"), ("warning", "Waiting"), ("bad", "Failing")], compute="_compute_overview"
    )

    _sql_constraints = [
        ("route_token_unique", "UNIQUE(route_token)", "The route token must be unique."),
    ]

    @api.depends("route_token")
    def _compute_endpoint_url(self):
        base_url = self.get_base_url()
        for connector in self:
            connector.endpoint_url = f"{base_url}/construction/webhook/{connector.route_token}"

    def _compute_overview(self):
        Job = self.env["construction.inbound.job"]
        by_state = defaultdict(dict)
        for connector, state, count in Job._read_group(
            [("connector_id", "in", self.ids)], ["connector_id", "state"], ["__count"]
        ):
            by_state[connector][state] = count
        last = dict(Job._read_group([("connector_id", "in", self.ids)], ["connector_id"], ["received_at:max"]))
        attention = [("connector_id", "in", self.ids), ("state", "in", ATTENTION_STATES)]
        oldest = dict(Job._read_group(attention, ["connector_id"], ["received_at:min"]))
        for connector in self:
            counts = by_state[connector]
            connector.queued_count = sum(counts.get(state, 0) for state in READY_STATES)
            connector.done_count = counts.get("done", 0)
            connector.attention_count = sum(counts.get(state, 0) for state in ATTENTION_STATES)
            connector.last_event_at = last.get(connector)
            connector.oldest_attention_at = oldest.get(connector)
            if counts.get("dead") or counts.get("quarantined"):
                connector.health = "bad"
            elif connector.attention_count or counts.get("retrying"):
                connector.health = "warning"
            else:
                connector.health = "good"

    def action_view_attention(self):
        action = self.action_view_jobs()
        action["context"] = {"search_default_needs_attention": 1, "default_connector_id": self.id}
        return action

    @api.depends("job_ids")
    def _compute_job_count(self):
        counts = dict(
            self.env["construction.inbound.job"]._read_group(
                [("connector_id", "in", self.ids)], ["connector_id"], ["__count"]
            )
        )
        for connector in self:
            connector.job_count = counts.get(connector, 0)

    @api.constrains("allowed_event_types", "approval_event_types")
    def _check_allowed_event_types(self):
        for connector in self:
            unknown = (connector._allowed_types() | connector._approval_types()) - KNOWN_TYPES
            if unknown:
                raise UserError(self.env._("Unknown event types: %s", ", ".join(sorted(unknown))))

    @api.constrains("timestamp_tolerance", "max_body_bytes", "rate_limit_per_minute")
    def _check_limits(self):
        for connector in self:
            if (
                connector.timestamp_tolerance <= 0
                or connector.max_body_bytes <= 0
                or connector.rate_limit_per_minute < 0
            ):
                raise UserError(self.env._("Tolerance and body cap must be positive, the rate limit zero or more."))

    def action_set_secret(self, secret=None, expires_at=None, name=None):
        """Add an active signing secret; a new one is generated when none is given.

        The secret is encrypted at once and can never be read back.
        """
        self.ensure_one()
        self.check_access("write")
        secret = secret or new_secret(self.auth_scheme)
        if self.auth_scheme == "standard" and secret.startswith("whsec_"):
            try:
                base64.b64decode(secret[len("whsec_") :], validate=True)
            except ValueError as error:
                raise UserError(self.env._("A whsec_ secret must be base64 after the prefix.")) from error
        if len(secret) < 16:
            raise UserError(self.env._("A secret needs at least 16 characters."))
        record = (
            self.env["construction.connector.secret"]
            .sudo()
            .create(
                {
                    "connector_id": self.id,
                    "name": name or self.env._("Secret"),
                    "hint": "…" + secret[-4:],
                    "expires_at": expires_at,
                }
            )
        )
        record._store_plaintext(secret)
        self.message_post(body=self.env._("Secret %(hint)s added.", hint=record.hint))
        return secret

    def action_regenerate_route_token(self):
        for connector in self:
            connector.route_token = new_route_token()
            connector.message_post(body=self.env._("Route token regenerated: the old URL no longer works."))
        return True

    def action_view_jobs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("construction_connector.action_inbound_job")
        action["domain"] = [("connector_id", "=", self.id)]
        action["context"] = {"default_connector_id": self.id}
        return action

    def _allowed_types(self):
        return _type_set(self.allowed_event_types)

    def _approval_types(self):
        return _type_set(self.approval_event_types)

    def _approval_reason(self, activity):
        """Why this activity must be approved in Odoo first, or None."""
        self.ensure_one()
        if activity.event_type in self._approval_types():
            return self.env._("%s events of this connector are approved in Odoo.", activity.event_type)
        amount = activity.amount() if activity.event_type == "change_order.approved" else None
        if self.approval_amount and amount is not None and amount > self.approval_amount:
            return self.env._(
                "Change orders above %(limit)s are approved in Odoo; this one is %(amount)s.",
                limit=self.approval_amount,
                amount=amount,
            )
        return None

    @api.model
    @tools.ormcache("token")
    def _intake_settings(self, token):
        """IntakeSettings of the active connector behind a webhook token, or None.

        Cached per process: a webhook request then needs no query to know
        its connector. Any change to a connector clears the cache.
        """
        connector = self.sudo().search([("route_token", "=", token)], limit=1) if token else self.browse()
        if not connector:
            return None
        return IntakeSettings(
            connector_id=connector.id,
            company_id=connector.company_id.id,
            auth_scheme=connector.auth_scheme,
            timestamp_tolerance=connector.timestamp_tolerance,
            max_body_bytes=connector.max_body_bytes,
            rate_limit_per_minute=connector.rate_limit_per_minute,
            allowed_types=frozenset(connector._allowed_types()),
        )

    @api.model
    def _verify(self, settings, headers, body):
        """signatures.Verified for this request, or raise SignatureError."""
        now = time.time()
        plaintexts = self.env["construction.connector.secret"]._plaintexts_by_connector(settings.connector_id)
        secrets_now = [
            plain
            for plain, expires_at in plaintexts
            if not expires_at or expires_at.replace(tzinfo=UTC).timestamp() > now
        ]
        return signatures.verify(
            settings.auth_scheme, headers, body, secrets_now, now=now, tolerance=settings.timestamp_tolerance
        )


def _type_set(text):
    return {t.strip() for t in (text or "").split(",") if t.strip()}
