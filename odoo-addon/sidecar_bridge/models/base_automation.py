"""'Run in sidecar': a rule so marked is not run by Odoo; the sidecar imports and runs it."""
from odoo import fields, models


class BaseAutomation(models.Model):
    _inherit = 'base.automation'

    sidecar_offload = fields.Boolean(
        'Run in sidecar', default=False,
        help='Odoo no longer runs this rule in the user\'s transaction: odoo-sidecar runs it, '
             'from the changes this database pushes to it. Untick to give the rule back to Odoo.')

    def _get_actions(self, records, triggers):
        return super()._get_actions(records, triggers).filtered(lambda a: not a.sidecar_offload)
