"""Records posted messages of the watched models, for on_message_received / on_message_sent; posts
under the sidecar's key once (sidecar_post_key)."""
from odoo import models

from .sidecar_outbox import watch_list
from .sidecar_post_key import CONTEXT_KEY, post_key


class MailThread(models.AbstractModel):
    _inherit = 'mail.thread'

    def message_post(self, **kwargs):
        key = post_key(self.env.context, self.id) if len(self) == 1 else None
        if not key:
            return self._sidecar_message_post(**kwargs)
        keys = self.env['sidecar.post.key']
        done = keys._claim(key, self._name, self.id)
        if done is not None:
            return self.env['mail.message'].browse(done['message_id'] or [])
        # the key is this post's: what the post itself posts (an automation's note on the message,
        # say) is not keyed by it
        message = self.with_context(**{CONTEXT_KEY: False})._sidecar_message_post(**kwargs)
        keys._posted(key, self._name, self.id, message_id=message.id)
        return message

    def _sidecar_message_post(self, **kwargs):
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
