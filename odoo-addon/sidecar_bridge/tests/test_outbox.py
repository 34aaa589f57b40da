import json
from datetime import datetime
from unittest.mock import patch

from odoo.exceptions import AccessError

from odoo.release import version_info
from odoo.tests import TransactionCase, tagged


@tagged('post_install', '-at_install')
class TestOutbox(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        params = cls.env['ir.config_parameter'].sudo()
        params.set_param('sidecar_bridge.watch', json.dumps({'models': {'res.partner': {
            'operations': ['create', 'write', 'unlink'], 'old_fields': ['name', 'email'], 'messages': True}}}))
        params.set_param('sidecar_bridge.url', '')
        params.set_param('sidecar_bridge.secret', '')
        cls.Outbox = cls.env['sidecar.outbox']
        from ..models import sidecar_outbox
        sidecar_outbox._RAW.clear()  # the watch list just written, not one read before

    def rows(self, operation=None):
        domain = [('model_name', '=', 'res.partner')]
        if operation:
            domain.append(('operation', '=', operation))
        return self.Outbox.search(domain, order='id')

    def test_create_write_unlink_are_recorded_with_old_and_new_values(self):
        partner = self.env['res.partner'].create({'name': 'Outbox', 'email': 'a@example.com'})
        self.assertEqual(json.loads(self.rows('create')[-1].res_ids), [partner.id])

        partner.write({'email': 'b@example.com'})
        row = self.rows('write')[-1]
        self.assertEqual(json.loads(row.field_names), ['email'])
        self.assertEqual(json.loads(row.old_values)[str(partner.id)]['email'], 'a@example.com')
        self.assertEqual(json.loads(row.new_values)[str(partner.id)]['email'], 'b@example.com')
        self.assertIn(str(partner.id), json.loads(row.write_dates))

        partner_id = partner.id
        partner.unlink()
        row = self.rows('unlink')[-1]
        self.assertEqual(json.loads(row.res_ids), [partner_id])
        self.assertEqual(json.loads(row.old_values)[str(partner_id)]['name'], 'Outbox')

    def test_dates_and_datetimes_are_pushed_as_rpc_answers_them(self):
        self.env['ir.config_parameter'].sudo().set_param('sidecar_bridge.watch', json.dumps({'models': {
            'res.currency.rate': {'operations': ['write'], 'old_fields': ['name', 'write_date'], 'messages': False}}}))
        self.env.flush_all()  # the watch list is read with SQL
        from ..models import sidecar_outbox
        sidecar_outbox._RAW.clear()
        self.addCleanup(sidecar_outbox._RAW.clear)  # the other tests' watch list after the rollback
        rate = self.env['res.currency.rate'].create({
            'currency_id': self.env.ref('base.EUR').id, 'name': '2011-01-02', 'rate': 1.5})
        rate.write({'name': '2011-03-04'})
        row = self.Outbox.search([('model_name', '=', 'res.currency.rate')], order='id desc', limit=1)
        new = json.loads(row.new_values)[str(rate.id)]
        self.assertEqual(new['name'], '2011-03-04')
        rpc = rate.read(['write_date'])[0]['write_date']
        self.assertEqual(new['write_date'], rpc.strftime('%Y-%m-%d %H:%M:%S'))
        self.assertEqual(json.loads(row.old_values)[str(rate.id)]['name'], '2011-01-02')

    def _watch(self, models):
        """Makes models the watch list for this test (the class's comes back after it)."""
        self.env['ir.config_parameter'].sudo().set_param('sidecar_bridge.watch', json.dumps({'models': models}))
        self.env.flush_all()  # the watch list is read with SQL
        from ..models import sidecar_outbox
        sidecar_outbox._RAW.clear()
        self.addCleanup(sidecar_outbox._RAW.clear)

    def _partner_watch(self, unlink_fields, operations=('create', 'write', 'unlink')):
        self._watch({'res.partner': {'operations': list(operations), 'old_fields': ['name'],
                                     'unlink_fields': unlink_fields, 'messages': False}})

    def test_a_deletion_carries_the_values_its_actions_read_taken_before_it(self):
        self._partner_watch(['name', 'email', 'parent_id', 'category_id', 'create_date'])
        parent = self.env['res.partner'].create({'name': 'Parent company', 'is_company': True})
        tags = self.env['res.partner.category'].create([{'name': 'Snap A'}, {'name': 'Snap B'}])
        partner = self.env['res.partner'].create({
            'name': 'Deleted', 'email': 'gone@example.com', 'phone': '+32 1', 'parent_id': parent.id,
            'category_id': [(6, 0, tags.ids)]})
        partner_id, created, tag_ids = partner.id, partner.create_date, partner.category_id.ids
        partner.unlink()
        self.assertFalse(self.env['res.partner'].browse(partner_id).exists())
        row = self.rows('unlink')[-1]
        snapshot = json.loads(row.unlink_values)
        self.assertEqual(list(snapshot), [str(partner_id)])
        values = snapshot[str(partner_id)]
        # exactly the fields the watch list declares, as read(load=None) answers them
        self.assertEqual(values, {
            'name': 'Deleted', 'email': 'gone@example.com', 'parent_id': parent.id,
            'category_id': tag_ids, 'create_date': created.strftime('%Y-%m-%d %H:%M:%S')})
        self.assertEqual(len(tag_ids), 2)
        # the filter's fields still come as the old values
        self.assertEqual(json.loads(row.old_values), {str(partner_id): {'name': 'Deleted'}})
        event = self.Outbox._event(row)
        self.assertEqual(event['snapshot'], snapshot)

    def test_every_stored_field_but_files_and_one2many_with_a_star(self):
        self._partner_watch(['*'])
        partner = self.env['res.partner'].create({'name': 'Starred', 'phone': '+32 2', 'comment': '<p>note</p>'})
        self.env['res.partner'].create({'name': 'Child', 'parent_id': partner.id})
        partner_id = partner.id
        partner.child_ids.unlink()
        partner.unlink()
        values = json.loads(self.rows('unlink')[-1].unlink_values)[str(partner_id)]
        self.assertEqual(values['name'], 'Starred')
        self.assertEqual(values['phone'], '+32 2')
        self.assertIn('comment', values)
        self.assertIsInstance(values['create_date'], str)
        self.assertIsInstance(values['category_id'], list)
        fields = self.env['res.partner']._fields
        self.assertEqual(fields['image_1920'].type, 'binary')
        self.assertNotIn('image_1920', values)
        self.assertEqual(fields['child_ids'].type, 'one2many')
        self.assertNotIn('child_ids', values)
        self.assertNotIn('id', values)
        self.assertTrue(all(fields[name].store for name in values), sorted(values))

    def test_a_deletion_rolled_back_leaves_no_row_nor_snapshot(self):
        self._partner_watch(['name', 'email'])
        partner = self.env['res.partner'].create({'name': 'Kept after all', 'email': 'k@example.com'})
        before = len(self.rows('unlink'))
        with self.assertRaises(ValueError):
            with self.env.cr.savepoint():
                partner.unlink()
                self.assertEqual(len(self.rows('unlink')), before + 1)  # there inside the transaction
                raise ValueError('the user cancels')
        self.assertEqual(len(self.rows('unlink')), before)
        self.env.cr.execute("SELECT count(*) FROM sidecar_outbox WHERE unlink_values LIKE %s",
                            ('%k@example.com%',))
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        self.assertTrue(partner.exists())

    def test_a_model_not_watched_for_deletions_captures_nothing(self):
        self._partner_watch(['name', 'email'], operations=('create', 'write'))
        partner = self.env['res.partner'].create({'name': 'Not watched for unlink', 'email': 'n@example.com'})
        before = self.Outbox.search_count([])
        partner.unlink()
        self.assertEqual(self.Outbox.search_count([]), before)
        # watched for deletions, but no action reads the records: a row without snapshot
        self._partner_watch([])
        partner = self.env['res.partner'].create({'name': 'No snapshot'})
        partner.unlink()
        row = self.rows('unlink')[-1]
        self.assertFalse(row.unlink_values)
        self.assertNotIn('snapshot', self.Outbox._event(row))

    def test_a_deletion_of_more_records_than_a_push_takes_splits_its_snapshot(self):
        self._partner_watch(['email'])
        pushes = self._fake_sidecar()
        partners = self.env['res.partner'].create([{'name': 'Bulk %d' % i, 'email': 'bulk%d@example.com' % i}
                                                    for i in range(7)])
        emails = {str(p.id): p.email for p in partners}
        self.Outbox.search([]).write({'state': 'sent'})  # only the deletion below is pending
        partners.unlink()
        self.assertEqual(self.Outbox._deliver(), 1)
        self.assertEqual([len(p['events'][0]['ids']) for p in pushes], [3, 3, 1])
        seen = {}
        for push in pushes:
            event = push['events'][0]
            self.assertEqual(sorted(event['snapshot']), sorted(str(i) for i in event['ids']))
            seen.update({k: v['email'] for k, v in event['snapshot'].items()})
        self.assertEqual(seen, emails)

    def test_a_rolled_back_change_leaves_no_row(self):
        partner = self.env['res.partner'].create({'name': 'Rollback'})
        before = len(self.rows())
        with self.assertRaises(ValueError):
            with self.env.cr.savepoint():
                partner.write({'email': 'c@example.com'})
                raise ValueError('the user cancels')
        self.assertEqual(len(self.rows()), before)

    def test_unwatched_models_record_nothing(self):
        before = self.Outbox.search_count([])
        self.env['res.partner.category'].create({'name': 'not watched'})
        self.assertEqual(self.Outbox.search_count([]), before)

    def test_the_sidecars_marker_is_kept(self):
        partner = self.env['res.partner'].create({'name': 'Marker'})
        partner.with_context(sidecar_event={'chain': ['VIP'], 'depth': 1}).write({'email': 'd@example.com'})
        self.assertEqual(json.loads(self.rows('write')[-1].event_context), {'chain': ['VIP'], 'depth': 1})

    def test_messages_are_recorded(self):
        partner = self.env['res.partner'].create({'name': 'Messages'})
        partner.message_post(body='hello', message_type='comment', subtype_xmlid='mail.mt_comment')
        message = json.loads(self.rows('message')[-1].message)
        self.assertEqual(message['message_type'], 'comment')
        self.assertFalse(message['is_internal'])

    def test_a_failed_delivery_backs_off_and_keeps_the_rows(self):
        params = self.env['ir.config_parameter'].sudo()
        params.set_param('sidecar_bridge.url', 'http://127.0.0.1:9')  # nothing listens there
        params.set_param('sidecar_bridge.secret', 's')
        self.env['res.partner'].create({'name': 'Away'})
        self.assertEqual(self.Outbox._deliver(), 0)
        row = self.rows('create')[-1]
        self.assertEqual(row.state, 'pending')
        self.assertEqual(row.attempts, 1)
        self.assertTrue(row.last_error)
        self.assertGreater(row.next_attempt, datetime.now())
        self.assertGreaterEqual(self.Outbox.status()['pending'], 1)

    def _fake_sidecar(self, fail_on=None):
        """Stands in for the sidecar's endpoint: records each push, refuses the fail_on-th one."""
        pushes = []

        class Proxy:
            def __init__(self, *args, **kwargs):
                pass

            def execute_kw(self, db, uid, secret, model, method, args):
                pushes.append(args[0])
                if len(pushes) == fail_on:
                    raise ConnectionRefusedError('refused')
                return {'accepted': 1, 'duplicates': 0}

        patcher = patch('xmlrpc.client.ServerProxy', Proxy)
        patcher.start()
        self.addCleanup(patcher.stop)
        params = self.env['ir.config_parameter'].sudo()
        params.set_param('sidecar_bridge.url', 'http://127.0.0.1:9')
        params.set_param('sidecar_bridge.secret', 's')
        params.set_param('sidecar_bridge.max_records', '3')
        return pushes

    def _write_many(self, count):
        partners = self.env['res.partner'].create([{'name': 'Many %d' % i} for i in range(count)])
        self.Outbox.search([]).write({'state': 'sent'})  # only the write below is pending
        partners.write({'email': 'many@example.com'})
        self.Outbox.search([('operation', '!=', 'write'), ('state', '=', 'pending')]).write({'state': 'sent'})
        return partners

    def test_a_change_of_more_records_than_a_push_takes_goes_in_pieces(self):
        pushes = self._fake_sidecar()
        partners = self._write_many(7)
        self.assertEqual(self.Outbox._deliver(), 1)
        self.assertEqual([len(p['events'][0]['ids']) for p in pushes], [3, 3, 1])
        sent = [i for p in pushes for i in p['events'][0]['ids']]
        self.assertEqual(sorted(sent), sorted(partners.ids))
        for push in pushes:
            event = push['events'][0]
            self.assertEqual(sorted(event['old']), sorted(str(i) for i in event['ids']))
        self.assertEqual(self.rows('write')[-1].state, 'sent')

    def test_a_row_whose_second_piece_fails_stays_pending(self):
        pushes = self._fake_sidecar(fail_on=2)
        self._write_many(7)
        self.assertEqual(self.Outbox._deliver(), 0)
        self.assertEqual(len(pushes), 2)
        row = self.rows('write')[-1]
        self.assertEqual(row.state, 'pending')
        self.assertEqual(row.attempts, 1)

    def test_rows_are_grouped_up_to_the_records_a_push_takes(self):
        pushes = self._fake_sidecar()
        self.Outbox.search([]).write({'state': 'sent'})
        for i in range(4):
            self.env['res.partner'].create([{'name': 'Pair %d' % i}, {'name': 'Pair %d b' % i}])
        delivered = self.Outbox._deliver()
        events = [(e['model'], e['op'], len(e['ids'])) for p in pushes for e in p['events']]
        self.assertEqual(delivered, 4, events)
        self.assertEqual([sum(len(e['ids']) for e in p['events']) for p in pushes], [2, 2, 2, 2])

    def test_rows_are_grouped_up_to_the_events_a_push_takes(self):
        pushes = self._fake_sidecar()
        self.env['ir.config_parameter'].sudo().set_param('sidecar_bridge.max_events', '3')
        self.env['ir.config_parameter'].sudo().set_param('sidecar_bridge.max_records', '100')
        self.Outbox.search([]).write({'state': 'sent'})
        for i in range(7):
            self.env['res.partner'].create({'name': 'Single %d' % i})
        self.Outbox.search([('operation', '!=', 'create'), ('state', '=', 'pending')]).write({'state': 'sent'})
        self.assertEqual(self.Outbox._deliver(), 7)
        self.assertEqual([len(p['events']) for p in pushes], [3, 3, 1])

    def test_only_an_administrator_may_resume_the_delivery(self):
        user = self.env['res.users'].create({'name': 'Not admin', 'login': 'sidecar_not_admin'})
        with self.assertRaises(AccessError):
            self.Outbox.with_user(user).action_resume()

    def test_a_sidecar_back_makes_the_rows_in_a_backoff_due(self):
        params = self.env['ir.config_parameter'].sudo()
        params.set_param('sidecar_bridge.url', 'http://127.0.0.1:9')  # nothing listens there
        params.set_param('sidecar_bridge.secret', 's')
        self.env['res.partner'].create({'name': 'Backed off'})
        self.Outbox._deliver()
        row = self.rows('create')[-1]
        self.assertGreater(row.next_attempt, datetime.now())
        self.assertGreaterEqual(self.Outbox.action_resume(), 1)
        row.invalidate_recordset(['next_attempt'])
        self.assertLessEqual(row.next_attempt, datetime.now())
        self.assertEqual(row.state, 'pending')

    def test_the_status_form_shows_the_outbox(self):
        self.env['res.partner'].create({'name': 'Status'})
        status = self.env['sidecar.status'].create({})
        self.assertGreaterEqual(status.pending, 1)
        self.assertEqual(status.url, False)

    def test_a_rule_run_in_the_sidecar_is_not_run_by_odoo(self):
        model = self.env['ir.model']._get('res.partner')
        automation = self.env['base.automation'].create({
            'name': 'Tag the function', 'model_id': model.id, 'trigger': 'on_create_or_write',
            'action_server_ids': [(0, 0, {
                'name': 'set function', 'model_id': model.id, 'state': 'object_write',
                'update_path': 'function', 'value': 'ran in Odoo'})],
        })
        automation.sidecar_offload = True
        offloaded = self.env['res.partner'].create({'name': 'Offloaded'})
        self.assertFalse(offloaded.function)
        automation.sidecar_offload = False
        kept = self.env['res.partner'].create({'name': 'Kept'})
        self.assertEqual(kept.function, 'ran in Odoo')

    def test_the_list_view_speaks_the_versions_words(self):
        view = self.Outbox._setup_views()
        again = self.Outbox._setup_views()
        self.assertEqual(view, again, 'set up twice, still one view')
        tag = 'list' if version_info[0] >= 18 else 'tree'
        self.assertTrue(view.arch_db.startswith('<%s ' % tag), view.arch_db)
        self.assertEqual(self.env.ref('sidecar_bridge.view_sidecar_outbox_list'), view)
