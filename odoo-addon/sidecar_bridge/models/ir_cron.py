"""'Run in sidecar' on scheduled actions: a job so marked is not run by Odoo's scheduler; the
sidecar imports it and runs it on the job's interval.

While ticked, the job is inactive in Odoo (``active`` False, so no cron worker picks it up) and
the activity it should have is kept in ``sidecar_saved_active``: writing ``active`` then changes
that wish only, and unticking gives it back to ``active``.
"""
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class IrCron(models.Model):
    _inherit = 'ir.cron'

    sidecar_offload = fields.Boolean(
        'Run in sidecar', default=False,
        help='Odoo\'s scheduler no longer runs this job: odoo-sidecar runs it, on the same '
             'interval, from its next execution date. While ticked the job is inactive in Odoo, '
             '"Run Manually" is refused and triggers are ignored; untick to give the job back to '
             'Odoo, active as it was.')
    sidecar_saved_active = fields.Boolean(
        'Active in the sidecar', default=True,
        help='Whether the job runs, while it runs in the sidecar (Odoo\'s own "active" is off '
             'then); given back to "active" when "Run in sidecar" is unticked.')

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get('sidecar_offload'):
                default_active = self.default_get(['active']).get('active', True)
                # a copy carries the wish of its original: kept as given
                vals.setdefault('sidecar_saved_active', bool(vals.get('active', default_active)))
                vals['active'] = False
        return super().create(vals_list)

    def write(self, vals):
        if not {'sidecar_offload', 'active'} & vals.keys():
            return super().write(vals)
        groups = {}
        for cron in self:
            extra = cron._sidecar_active_values(vals)
            groups[extra] = groups.get(extra, self.browse()) | cron
        for extra, crons in groups.items():
            super(IrCron, crons).write(dict(vals, **dict(extra)))
        return True

    def try_write(self, values):
        # ir.cron.toggle() writes through here, around write()
        if 'active' not in values:
            return super().try_write(values)
        result = True
        for cron in self:
            written = super(IrCron, cron).try_write(dict(values, **dict(cron._sidecar_active_values(values))))
            result = result and written
        return result

    def _sidecar_active_values(self, vals):
        """What a write of ``vals`` does to ``active`` and ``sidecar_saved_active`` of this job, as
        a hashable tuple of items: while ticked (after the write) ``active`` is False and the wish
        is kept; on unticking the wish goes back to ``active`` (and stays the wish). The wish is the ``active`` written,
        else the ``sidecar_saved_active`` written (the form's), else the job's."""
        self.ensure_one()
        ticked_before = self.sidecar_offload
        ticked_after = vals.get('sidecar_offload', ticked_before)
        if not ticked_before and not ticked_after:
            return ()
        if 'active' in vals:
            wish = vals['active']
        elif 'sidecar_saved_active' in vals:
            wish = vals['sidecar_saved_active']
        else:
            wish = self.sidecar_saved_active if ticked_before else self.active
        if ticked_after:
            return (('active', False), ('sidecar_saved_active', bool(wish)))
        return (('active', bool(wish)), ('sidecar_saved_active', bool(wish)))

    @api.onchange('sidecar_offload')
    def _onchange_sidecar_offload(self):
        # the form shows the wish while ticked, Odoo's active else: carry one to the other
        for cron in self:
            if cron.sidecar_offload and not cron._origin.sidecar_offload:
                cron.sidecar_saved_active = cron.active
            elif not cron.sidecar_offload and cron._origin.sidecar_offload:
                cron.active = cron.sidecar_saved_active

    def method_direct_trigger(self):
        for cron in self:
            if cron.sidecar_offload:
                raise UserError(_(
                    'The job "%(name)s" runs in the sidecar, not in Odoo: untick "Run in sidecar" '
                    'to run it here.', name=cron.name))
        return super().method_direct_trigger()

    def _trigger_list(self, at_list):
        # where _trigger() makes its ir.cron.trigger rows
        if self.sudo().sidecar_offload:
            _logger.debug('Job %r (%s) runs in the sidecar: trigger ignored', self.sudo().name, self.id)
            return self.env['ir.cron.trigger']
        return super()._trigger_list(at_list)
