# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from markupsafe import Markup

from odoo import fields, models
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id


class ConstructionInboundJob(models.Model):
    _inherit = "construction.inbound.job"

    def _log_state_change(self, before, new_state, notes):
        """Log "before -> new_state" (and a note) in each job's chatter, as
        Odoo's field tracking shows it, for the whole batch in one statement.

        The ORM's batch create of mail.message matches every message against
        every job to update the jobs' cached threads: quadratic, and at 500
        jobs it cost more than the postings. The values written are those of
        ``_message_log_batch``; nothing here needs sanitizing but the notes,
        which are escaped.
        """
        if not self:
            return
        author_id, email_from = self._message_compute_author(raise_on_email=False)
        state_info = self.fields_get(["state"])["state"]
        labels = dict(state_info["selection"])
        Tracking = self.env["mail.tracking.value"]
        field_id = Tracking._create_tracking_values("", "", "state", state_info, self)["field_id"]
        self.env.cr.execute(
            SQL(
                """
                WITH job AS (
                    SELECT * FROM unnest(%(ids)s::int[], %(bodies)s::text[], %(old)s::varchar[])
                        AS job(id, body, old_label)
                ), message AS (
                    INSERT INTO mail_message (
                        model, res_id, message_type, subtype_id, is_internal, body, date,
                        author_id, email_from, reply_to, message_id, email_add_signature,
                        create_uid, write_uid, create_date, write_date)
                    SELECT %(model)s, job.id, 'notification', %(subtype)s, TRUE, job.body, %(now)s,
                           %(author)s, %(email_from)s, %(reply_to)s, %(message_id)s, FALSE,
                           %(uid)s, %(uid)s, %(now)s, %(now)s
                      FROM job
                    RETURNING id, res_id
                )
                INSERT INTO mail_tracking_value (
                    mail_message_id, field_id, old_value_char, new_value_char,
                    create_uid, write_uid, create_date, write_date)
                SELECT message.id, %(field)s, job.old_label, %(new_label)s, %(uid)s, %(uid)s, %(now)s, %(now)s
                  FROM message JOIN job ON job.id = message.res_id
                """,
                ids=self.ids,
                bodies=[_note_html(notes.get(job)) for job in self],
                old=[labels[before[job]] for job in self],
                model=self._name,
                subtype=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                now=fields.Datetime.now(),
                author=author_id,
                email_from=email_from,
                reply_to=self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False],
                message_id=generate_tracking_message_id("message-notify"),
                uid=self.env.uid,
                field=field_id,
                new_label=labels[new_state],
            )
        )
        self.invalidate_recordset(["message_ids"])


def _note_html(note):
    return Markup("<p>%s</p>") % note if note else ""
