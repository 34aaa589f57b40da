"""Records posted messages of the watched models, for on_message_received / on_message_sent."""
from odoo import models

from .sidecar_outbox import watch_list


class MailThread(models.AbstractModel):
    _inherit = 'mail.thread'

    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        spec = watch_list(self.env).get(self._name)
        if spec and spec.get('messages') and self and not self.env.context.get('sidecar_bridge_skip'):
            sudo = message.sudo()
            author = sudo.author_id
            self.env['sidecar.outbox']._record(self._name, 'message', self.ids, message={
                'message_id': message.id,
                'message_type': sudo.message_type,
                'is_internal': bool(sudo.is_internal),
                'subtype_internal': bool(sudo.subtype_id.internal),
                'author_share': bool(not author or author.partner_share),
            })
        return message
