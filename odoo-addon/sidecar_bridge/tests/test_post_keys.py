"""Posts under the sidecar's key (sidecar_post_key): one message per key and record, whatever the
number of calls; a rolled-back post leaves no key; a concurrent post of the same key waits."""
from datetime import datetime, timedelta
from unittest.mock import patch

import psycopg2.errors

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..models.sidecar_post_key import CONTEXT_KEY


@tagged('post_install', '-at_install')
class TestPostKeys(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env['res.partner']
        cls.Keys = cls.env['sidecar.post.key']
        cls.first = cls.Partner.create({'name': 'Posted on, first'})
        cls.second = cls.Partner.create({'name': 'Posted on, second'})

    def messages(self, record, body):
        return self.env['mail.message'].search(
            [('model', '=', record._name), ('res_id', '=', record.id), ('body', 'ilike', body)])

    def post(self, record, body, key):
        return record.with_context(**{CONTEXT_KEY: key}).message_post(body=body)

    def test_the_same_key_twice_posts_one_message_and_answers_it_again(self):
        posted = self.post(self.first, 'once only', 'k-same')
        again = self.post(self.first, 'once only', 'k-same')
        self.assertEqual(again, posted)
        self.assertEqual(len(self.messages(self.first, 'once only')), 1)
        row = self.Keys.search([('key', '=', 'k-same')])
        self.assertEqual((row.model, row.res_id, row.message_id), ('res.partner', self.first.id, posted.id))

    def test_different_keys_post_two_messages(self):
        self.post(self.first, 'two keys', 'k-one')
        self.post(self.first, 'two keys', 'k-two')
        self.assertEqual(len(self.messages(self.first, 'two keys')), 2)

    def test_without_a_key_every_call_posts(self):
        self.first.message_post(body='no key')
        self.first.message_post(body='no key')
        self.assertEqual(len(self.messages(self.first, 'no key')), 2)
        self.assertFalse(self.Keys.search([('res_id', '=', self.first.id)]))

    def test_the_key_is_per_record(self):
        self.post(self.first, 'per record', 'k-shared')
        self.post(self.second, 'per record', 'k-shared')
        self.post(self.second, 'per record', 'k-shared')
        self.assertEqual(len(self.messages(self.first, 'per record')), 1)
        self.assertEqual(len(self.messages(self.second, 'per record')), 1)
        self.assertEqual(len(self.Keys.search([('key', '=', 'k-shared')])), 2)

    def test_a_dict_gives_each_record_its_own_key(self):
        keys = {str(self.first.id): 'k-first', str(self.second.id): 'k-second'}
        for _run in range(2):
            for record in self.first | self.second:
                self.post(record, 'by dict', keys)
        self.assertEqual(len(self.messages(self.first, 'by dict')), 1)
        self.assertEqual(len(self.messages(self.second, 'by dict')), 1)
        rows = self.Keys.search([('key', 'in', ['k-first', 'k-second'])])
        self.assertEqual(sorted((r.key, r.res_id) for r in rows),
                         sorted([('k-first', self.first.id), ('k-second', self.second.id)]))

    def test_a_record_the_dict_does_not_name_posts_without_a_key(self):
        keys = {str(self.first.id): 'k-only-first'}
        self.post(self.second, 'not named', keys)
        self.post(self.second, 'not named', keys)
        self.assertEqual(len(self.messages(self.second, 'not named')), 2)

    def test_a_rolled_back_post_leaves_no_key_and_the_next_one_posts(self):
        thread = type(self.Partner)
        with patch.object(thread, '_message_post_after_hook', side_effect=RuntimeError('after the post')):
            with self.assertRaises(RuntimeError), self.env.cr.savepoint():
                self.post(self.first, 'rolled back', 'k-rollback')
        self.env.invalidate_all()
        self.assertFalse(self.Keys.search([('key', '=', 'k-rollback')]))
        self.assertFalse(self.messages(self.first, 'rolled back'))
        posted = self.post(self.first, 'rolled back', 'k-rollback')
        self.assertEqual(self.messages(self.first, 'rolled back'), posted)
        self.assertEqual(self.Keys.search([('key', '=', 'k-rollback')]).message_id, posted.id)

    def test_what_the_keyed_post_posts_itself_is_not_keyed_by_it(self):
        thread = type(self.Partner)
        original = thread._message_post_after_hook

        def note_too(record, message, values):
            if 'outer' in str(message.body):
                record.message_post(body='inner note')
            return original(record, message, values)

        with patch.object(thread, '_message_post_after_hook', note_too):
            self.post(self.first, 'outer post', 'k-outer')
            self.post(self.first, 'outer post', 'k-outer')
        self.assertEqual(len(self.messages(self.first, 'outer post')), 1)
        self.assertEqual(len(self.messages(self.first, 'inner note')), 1)

    def _template(self):
        return self.env['mail.template'].create({
            'name': 'Sidecar key template',
            'model_id': self.env['ir.model']._get_id('res.partner'),
            'subject': 'Keyed',
            'body_html': '<p>templated keyed body</p>',
            'email_to': 'someone@example.com',
        })

    def test_the_composer_in_comment_mode_posts_once_per_record_and_key(self):
        template = self._template()
        records = self.first | self.second
        keys = {str(r.id): 'k-composer-%d' % r.id for r in records}
        for _run in range(2):
            composer = self.env['mail.compose.message'].create({
                'composition_mode': 'comment',
                'model': 'res.partner',
                'res_ids': str(records.ids),
                'template_id': template.id,
                'subtype_id': self.env.ref('mail.mt_note').id,
            })
            composer.with_context(**{CONTEXT_KEY: keys}).action_send_mail()
        for record in records:
            self.assertEqual(len(self.messages(record, 'templated keyed body')), 1, record.name)

    def test_message_post_with_source_posts_once_per_record(self):
        template = self._template()
        records = (self.first | self.second).with_context(**{CONTEXT_KEY: 'k-source'})
        for _run in range(2):
            records.message_post_with_source(template, subtype_xmlid='mail.mt_note')
        for record in self.first | self.second:
            self.assertEqual(len(self.messages(record, 'templated keyed body')), 1, record.name)

    def test_a_template_mail_is_queued_once_per_key(self):
        template = self._template()
        Mail = self.env['mail.mail'].sudo()
        before = Mail.search_count([('model', '=', 'res.partner'), ('res_id', '=', self.first.id)])
        keyed = template.with_context(**{CONTEXT_KEY: 'k-mail'})
        mail_id = keyed.send_mail(self.first.id, force_send=False)
        self.assertEqual(keyed.send_mail(self.first.id, force_send=False), mail_id)
        template.with_context(**{CONTEXT_KEY: 'k-other-mail'}).send_mail(self.first.id, force_send=False)
        after = Mail.search_count([('model', '=', 'res.partner'), ('res_id', '=', self.first.id)])
        self.assertEqual(after, before + 2)
        self.assertEqual(self.Keys.search([('key', '=', 'k-mail')]).mail_id, mail_id)

    def test_a_too_long_key_is_refused_naming_it(self):
        with self.assertRaisesRegex(ValueError, CONTEXT_KEY):
            self.post(self.first, 'long key', 'k' * 256)

    def test_keys_older_than_thirty_days_are_dropped_by_the_autovacuum(self):
        self.post(self.first, 'old key', 'k-old')
        self.post(self.first, 'recent key', 'k-recent')
        self.env.cr.execute("UPDATE sidecar_post_key SET posted_at = %s WHERE key = 'k-old'",
                            (datetime.utcnow() - timedelta(days=31),))
        self.Keys._gc_keys()
        self.env.invalidate_all()
        self.assertFalse(self.Keys.search([('key', '=', 'k-old')]))
        self.assertTrue(self.Keys.search([('key', '=', 'k-recent')]))

    def test_a_concurrent_post_of_the_same_key_waits_for_the_first_and_posts_once_it_is_rolled_back(self):
        # two transactions of their own (the test's cursor holds none of their rows), both rolled
        # back: a record committed before the test, the administrator's partner. (Once the first
        # commits, the second's claim fails with a serialization failure, which Odoo's RPC tries
        # again and the next try finds the first's message: not tested here, as it needs a commit.)
        partner_id = self.env.ref('base.partner_admin').id
        first_cr = sql_db.db_connect(self.env.cr.dbname).cursor()
        second_cr = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            def post(cr):
                env = api.Environment(cr, SUPERUSER_ID, {CONTEXT_KEY: 'k-concurrent'})
                return env['res.partner'].browse(partner_id).message_post(body='concurrent post')

            post(first_cr)
            second_cr.execute("SET LOCAL lock_timeout = '300ms'")
            with self.assertRaises(psycopg2.errors.LockNotAvailable), mute_logger('odoo.sql_db'):
                post(second_cr)  # waits on the first's claim instead of posting
            second_cr.rollback()
            first_cr.rollback()
            message = post(second_cr)  # the first post is gone: the second is made
            second_cr.execute(
                "SELECT count(*) FROM mail_message WHERE model = 'res.partner' AND res_id = %s"
                " AND body LIKE '%%concurrent post%%'", (partner_id,))
            self.assertEqual(second_cr.fetchone()[0], 1)
            second_cr.execute("SELECT message_id FROM sidecar_post_key WHERE key = 'k-concurrent'")
            self.assertEqual(second_cr.fetchone()[0], message.id)
        finally:
            for cr in (first_cr, second_cr):
                cr.rollback()
                cr.close()
