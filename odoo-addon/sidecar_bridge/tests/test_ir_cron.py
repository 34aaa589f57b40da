from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, TransactionCase, tagged


@tagged('post_install', '-at_install')
class TestCronOffload(TransactionCase):
    """'Run in sidecar' on ir.cron: a ticked job is inactive in Odoo, its wish kept for later."""

    def cron(self, **values):
        vals = {
            'name': 'Sidecar cron test',
            'model_id': self.env.ref('base.model_res_partner').id,
            'state': 'code',
            'code': "env['ir.config_parameter'].sudo().set_param('sidecar_bridge.test_cron', 'ran')",
            'interval_number': 1,
            'interval_type': 'days',
        }
        vals.update(values)
        return self.env['ir.cron'].create(vals)

    def assertState(self, cron, offload, active, wish):
        self.assertEqual(
            (cron.sidecar_offload, cron.active, cron.sidecar_saved_active), (offload, active, wish))

    def test_ticked_at_create_is_inactive_and_keeps_its_activity(self):
        self.assertState(self.cron(sidecar_offload=True), True, False, True)
        self.assertState(self.cron(sidecar_offload=True, active=False), True, False, False)
        self.assertState(self.cron(), False, True, True)

    def test_ticking_deactivates_and_unticking_gives_the_activity_back(self):
        active = self.cron()
        archived = self.cron(active=False)
        (active | archived).write({'sidecar_offload': True})
        self.assertState(active, True, False, True)
        self.assertState(archived, True, False, False)

        (active | archived).write({'sidecar_offload': False})
        self.assertState(active, False, True, True)
        self.assertState(archived, False, False, False)

    def test_writing_active_while_ticked_keeps_it_off_and_remembers_the_wish(self):
        cron = self.cron(sidecar_offload=True)
        cron.write({'active': False})
        self.assertState(cron, True, False, False)
        cron.action_unarchive()
        self.assertState(cron, True, False, True)
        cron.write({'active': False, 'name': 'Renamed while ticked'})
        self.assertState(cron, True, False, False)
        self.assertEqual(cron.name, 'Renamed while ticked')

        cron.sidecar_offload = False
        self.assertState(cron, False, False, False)

    def test_ticking_and_writing_active_at_once_keeps_the_written_wish(self):
        cron = self.cron(active=False)
        cron.write({'sidecar_offload': True, 'active': True})
        self.assertState(cron, True, False, True)
        cron.write({'sidecar_offload': False, 'active': False})
        self.assertState(cron, False, False, False)

    def test_toggle_of_a_ticked_job_only_changes_the_wish(self):
        cron = self.cron(sidecar_offload=True, active=False)
        cron.toggle('res.partner', [('id', '!=', 0)])
        self.assertState(cron, True, False, True)
        untoggled = self.cron()
        untoggled.toggle('res.partner', [('id', '=', 0)])
        self.assertState(untoggled, False, False, True)

    def test_a_copy_of_a_ticked_job_keeps_its_wish(self):
        copy = self.cron(sidecar_offload=True).copy()
        self.assertState(copy, True, False, True)
        copy.sidecar_offload = False
        self.assertTrue(copy.active)

    def test_the_scheduler_does_not_pick_a_ticked_job(self):
        past = fields.Datetime.now() - timedelta(hours=1)
        ticked = self.cron(sidecar_offload=True, nextcall=past)
        kept = self.cron(nextcall=past)
        self.env.flush_all()  # the scheduler reads with SQL
        ready = {job['id'] for job in self.registry['ir.cron']._get_all_ready_jobs(self.env.cr)}
        self.assertIn(kept.id, ready)
        self.assertNotIn(ticked.id, ready)

    def test_a_trigger_of_a_ticked_job_is_ignored(self):
        soon = fields.Datetime.now() + timedelta(minutes=5)
        ticked = self.cron(sidecar_offload=True)
        self.assertFalse(ticked._trigger())
        self.assertFalse(ticked._trigger(soon))
        self.assertFalse(self.env['ir.cron.trigger'].search([('cron_id', '=', ticked.id)]))
        kept = self.cron()
        self.assertTrue(kept._trigger(soon))
        self.assertEqual(self.env['ir.cron.trigger'].search([('cron_id', '=', kept.id)]).call_at, soon)

    def test_run_manually_is_refused_while_ticked_and_runs_once_unticked(self):
        params = self.env['ir.config_parameter'].sudo()
        cron = self.cron(sidecar_offload=True)
        with self.assertRaises(UserError):
            cron.method_direct_trigger()
        self.assertFalse(params.get_param('sidecar_bridge.test_cron'))
        self.assertFalse(cron.lastcall)

        cron.sidecar_offload = False
        cron.method_direct_trigger()
        self.assertEqual(params.get_param('sidecar_bridge.test_cron'), 'ran')
        self.assertTrue(cron.lastcall)

    def test_the_form_shows_the_checkbox_and_hides_run_manually_while_ticked(self):
        view = self.env['ir.cron'].get_view(self.env.ref('base.ir_cron_view_form').id, 'form')
        arch = etree.fromstring(view['arch'])
        self.assertTrue(arch.xpath("//field[@name='sidecar_offload']"))
        self.assertEqual(arch.xpath("//field[@name='active']")[0].get('invisible'), 'sidecar_offload')
        self.assertEqual(
            arch.xpath("//field[@name='sidecar_saved_active']")[0].get('invisible'), 'not sidecar_offload')
        button = arch.xpath("//button[@name='method_direct_trigger']")[0]
        self.assertRegex(button.get('invisible'), r"^\(?state != 'code'\)? or \(?sidecar_offload\)?$")

    def test_ticking_in_the_form_carries_the_activity_to_the_wish_and_back(self):
        cron = self.cron(active=False)
        with Form(cron) as form:
            form.sidecar_offload = True
            self.assertFalse(form.sidecar_saved_active)
            form.sidecar_saved_active = True  # "Active" switched on while ticking
        self.assertState(cron, True, False, True)

        with Form(cron) as form:
            form.sidecar_offload = False
            self.assertTrue(form.active)
        self.assertState(cron, False, True, True)
