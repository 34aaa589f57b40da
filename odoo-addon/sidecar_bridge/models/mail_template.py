"""A template's email queued under the sidecar's key once (sidecar_post_key), as a post is."""
from odoo import models

from .sidecar_post_key import CONTEXT_KEY, post_key


class MailTemplate(models.Model):
    _inherit = 'mail.template'

    def send_mail(self, res_id, *args, **kwargs):
        key = post_key(self.env.context, res_id) if len(self) == 1 else None
        if not key:
            return super().send_mail(res_id, *args, **kwargs)
        keys = self.env['sidecar.post.key']
        done = keys._claim(key, self.model, res_id)
        if done is not None:
            return done['mail_id'] or False
        mail_id = super(MailTemplate, self.with_context(**{CONTEXT_KEY: False})).send_mail(res_id, *args, **kwargs)
        mail = self.env['mail.mail'].sudo().browse(mail_id).exists()  # force_send may have sent and deleted it
        keys._posted(key, self.model, res_id, message_id=mail.mail_message_id.id if mail else None, mail_id=mail_id)
        return mail_id
