"""The sidecar's status as the outbox sees it: a read-only form under Settings > Technical."""
from odoo import api, fields, models

from .sidecar_outbox import PARAM_URL


class SidecarStatus(models.TransientModel):
    _name = 'sidecar.status'
    _description = 'Sidecar status'

    url = fields.Char('Sidecar URL', readonly=True)
    last_delivery = fields.Datetime(readonly=True)
    pending = fields.Integer('Pending changes', readonly=True)
    last_error = fields.Text(readonly=True)
    offloaded = fields.Integer('Rules run in the sidecar', readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        status = self.env['sidecar.outbox'].status()
        values.update(
            url=self.env['ir.config_parameter'].sudo().get_param(PARAM_URL) or False,
            last_delivery=status['last_delivery'],
            pending=status['pending'],
            last_error=status['last_error'],
            offloaded=self.env['base.automation'].sudo().search_count([('sidecar_offload', '=', True)]),
        )
        return values

    def action_deliver_now(self):
        self.env['sidecar.outbox']._cron_deliver()
        return {'type': 'ir.actions.client', 'tag': 'reload'}
