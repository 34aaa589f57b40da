"""The status form's last runs and dead letters, read from a sidecar stood in for by a small
XML-RPC server on a free port."""
import socket
import threading
import xmlrpc.client
from unittest.mock import patch
from xmlrpc.server import MultiPathXMLRPCServer, SimpleXMLRPCDispatcher, SimpleXMLRPCRequestHandler

from odoo.exceptions import UserError
from odoo.release import version_info
from odoo.tests import Form, TransactionCase, tagged

SECRET = 'the-push-secret'
SIDECAR_UID = 7  # not 1: the calls must carry the uid the login answered

RUNS = [
    {'id': 42, 'rule': 'Tag VIP leads', 'records': 3, 'started': '2026-11-30 08:15:02',
     'duration_ms': 12.5, 'result': 'failed', 'error': 'ValueError: no tag'},
    {'id': 41, 'rule': 'Welcome partners', 'records': 1, 'started': '2026-11-30 08:14:59',
     'duration_ms': 3.0, 'result': 'done', 'error': False},
]
DEAD_LETTERS = [
    {'id': 907, 'rule': 'Tag VIP leads', 'model': 'res.partner', 'record_id': 15, 'attempts': 5,
     'last_error': 'ValueError: no tag', 'failed_at': '2026-11-30 08:15:03'},
]
# the canned rows above are this database's (the fake gives them its name); these, of a rule of the
# same name, another database's that the same sidecar serves
OTHER_DATABASE = 'another_database'
OTHER_RUN = dict(RUNS[0], id=43, database=OTHER_DATABASE, started='2026-11-30 08:15:09')
OTHER_DEAD_LETTER = dict(DEAD_LETTERS[0], id=908, database=OTHER_DATABASE, record_id=16)


def _matches(row, domain):
    """Whether row satisfies domain: leaves joined by and, of the operators =, !=, in, not in."""
    for leaf in domain:
        if not isinstance(leaf, list) or len(leaf) != 3:
            raise xmlrpc.client.Fault(1, 'The fake sidecar takes only leaves, not %r' % (leaf,))
        name, operator, value = leaf
        if name not in row:
            raise xmlrpc.client.Fault(1, 'Invalid field %r in leaf %r' % (name, leaf))
        if operator in ('in', 'not in') and not isinstance(value, list):
            raise xmlrpc.client.Fault(1, '%r takes a list: %r' % (operator, leaf))
        if operator == '=':
            ok = row[name] == value
        elif operator == '!=':
            ok = row[name] != value
        elif operator == 'in':
            ok = row[name] in value
        elif operator == 'not in':
            ok = row[name] not in value
        else:
            raise xmlrpc.client.Fault(1, 'The fake sidecar does not know the operator %r' % (operator,))
        if not ok:
            return False
    return True


class _Handler(SimpleXMLRPCRequestHandler):
    rpc_paths = ('/xmlrpc/2/common', '/xmlrpc/2/object')

    def log_message(self, *args):
        pass


class FakeSidecar:
    """Answers common.authenticate and object.execute_kw as the sidecar does for these models,
    with canned rows filtered by the domain asked, and records every call. A canned row with no
    database is given database's (the one under test)."""

    def __init__(self, database, secret=SECRET, runs=RUNS, dead_letters=DEAD_LETTERS, replayable=(), missing=()):
        self.secret = secret
        self.rows = {model: [dict({'database': database}, **row) for row in rows]
                     for model, rows in (('sidecar.run', runs), ('sidecar.dead_letter', dead_letters))}
        self.replayable = set(replayable)
        self.missing = set(missing)
        self.logins = []
        self.calls = []
        self.server = MultiPathXMLRPCServer(('127.0.0.1', 0), requestHandler=_Handler, logRequests=False,
                                            allow_none=True)
        common = SimpleXMLRPCDispatcher(allow_none=True)
        common.register_function(self.authenticate, 'authenticate')
        obj = SimpleXMLRPCDispatcher(allow_none=True)
        obj.register_function(self.execute_kw, 'execute_kw')
        self.server.add_dispatcher('/xmlrpc/2/common', common)
        self.server.add_dispatcher('/xmlrpc/2/object', obj)
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def authenticate(self, db, login, password, user_agent_env):
        self.logins.append({'db': db, 'login': login, 'password': password})
        return SIDECAR_UID if password == self.secret else False

    def execute_kw(self, db, uid, password, model, method, args, kwargs=None):
        self.calls.append({'db': db, 'uid': uid, 'password': password, 'model': model,
                           'method': method, 'args': args, 'kwargs': kwargs or {}})
        if password != self.secret or uid != SIDECAR_UID:
            raise xmlrpc.client.Fault(3, 'Access Denied')
        if model in self.missing or model not in self.rows:
            raise xmlrpc.client.Fault(1, "Object %s doesn't exist on the sidecar" % model)
        if method == 'search_read':
            return [row for row in self.rows[model] if _matches(row, args[0])]
        if method == 'search':
            return [row['id'] for row in self.rows[model] if _matches(row, args[0])]
        if model == 'sidecar.dead_letter' and method == 'action_replay':
            return [i for i in args[0] if i in self.replayable]
        raise xmlrpc.client.Fault(1, '%s has no method %s' % (model, method))

    def searches(self, model):
        return [c for c in self.calls if c['model'] == model and c['method'] == 'search_read']


def _free_port():
    """A port nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@tagged('post_install', '-at_install')
class TestStatus(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        model = cls.env['ir.model']._get('res.partner')

        def automation(name, offload, active=True):
            return cls.env['base.automation'].create({
                'name': name, 'model_id': model.id, 'trigger': 'on_create_or_write',
                'sidecar_offload': offload, 'active': active})

        # the ones the sidecar runs (one archived: its runs and dead letters stay the sidecar's)
        cls.offloaded = automation('Tag VIP leads', True) | automation('Welcome partners', True) \
            | automation('Archived in the sidecar', True, active=False)
        cls.kept = automation('Run by Odoo', False)
        others = cls.env['base.automation'].with_context(active_test=False).search([
            ('id', 'not in', (cls.offloaded | cls.kept).ids), ('sidecar_offload', '=', True)])
        others.sidecar_offload = False
        cls.names = sorted(['Tag VIP leads', 'Welcome partners', 'Archived in the sidecar'])

    def sidecar(self, **kwargs):
        fake = FakeSidecar(self.env.cr.dbname, **kwargs)
        self.addCleanup(fake.stop)
        self.point_to(fake.url, SECRET)
        return fake

    def point_to(self, url, secret):
        params = self.env['ir.config_parameter'].sudo()
        params.set_param('sidecar_bridge.url', url)
        params.set_param('sidecar_bridge.secret', secret)

    def open_status(self):
        return self.env['sidecar.status'].create({})

    def test_the_form_lists_the_sidecars_runs_and_dead_letters_of_the_offloaded_rules(self):
        fake = self.sidecar()
        status = self.open_status()
        self.assertFalse(status.sidecar_message)
        self.assertEqual(
            [(r.run_id, r.rule, r.records, r.started.strftime('%Y-%m-%d %H:%M:%S'), r.duration_ms, r.result,
              r.error) for r in status.run_ids],
            [(row['id'], row['rule'], row['records'], row['started'], row['duration_ms'], row['result'],
              row['error']) for row in RUNS])
        self.assertEqual(
            [(d.event_id, d.rule, d.model, d.record_id, d.attempts, d.last_error,
              d.failed_at.strftime('%Y-%m-%d %H:%M:%S')) for d in status.dead_letter_ids],
            [(row['id'], row['rule'], row['model'], row['record_id'], row['attempts'], row['last_error'],
              row['failed_at']) for row in DEAD_LETTERS])

        for model, wanted in (('sidecar.run', ['rule', 'records', 'started', 'duration_ms', 'result', 'error']),
                              ('sidecar.dead_letter', ['rule', 'model', 'record_id', 'attempts',
                                                       'last_error', 'failed_at'])):
            [search] = fake.searches(model)
            # this database's runs and dead letters of the offloaded rules' names, not the one Odoo runs
            self.assertEqual(search['args'], [[['database', '=', self.env.cr.dbname], ['rule', 'in', self.names]]])
            self.assertEqual(search['kwargs'], {'fields': wanted, 'limit': 20, 'order': 'id desc'})
            self.assertEqual(search['db'], self.env.cr.dbname)
        self.assertEqual(len(fake.calls), 2)
        self.assertEqual({c['password'] for c in fake.calls}, {SECRET})
        self.assertEqual({c['uid'] for c in fake.calls}, {SIDECAR_UID})
        self.assertEqual([(a['db'], a['password']) for a in fake.logins], [(self.env.cr.dbname, SECRET)])

    def test_the_rules_are_named_by_their_source_text_as_the_import_reads_them(self):
        fake = self.sidecar()
        self.env['res.lang']._activate_lang('fr_FR')
        self.offloaded[0].with_context(lang='fr_FR').name = 'Étiqueter les prospects VIP'
        self.env['sidecar.status'].with_context(lang='fr_FR').create({})
        [search] = fake.searches('sidecar.run')
        self.assertIn(['rule', 'in', self.names], search['args'][0])

    def test_another_databases_runs_and_dead_letters_of_the_same_rules_are_not_listed(self):
        self.sidecar(runs=[OTHER_RUN] + RUNS, dead_letters=[OTHER_DEAD_LETTER] + DEAD_LETTERS)
        status = self.open_status()
        self.assertFalse(status.sidecar_message)
        self.assertEqual(status.run_ids.mapped('run_id'), [row['id'] for row in RUNS])
        self.assertEqual(status.dead_letter_ids.mapped('event_id'), [row['id'] for row in DEAD_LETTERS])

    def test_only_another_databases_dead_letters_lists_none(self):
        self.sidecar(runs=[OTHER_RUN], dead_letters=[OTHER_DEAD_LETTER])
        status = self.open_status()
        self.assertFalse(status.sidecar_message)
        self.assertFalse(status.run_ids)
        self.assertFalse(status.dead_letter_ids)

    def test_an_unknown_result_or_date_of_the_sidecar_shows_as_none(self):
        self.sidecar(runs=[dict(RUNS[1], result='skipped', started='not a date')], dead_letters=[])
        [line] = self.open_status().run_ids
        self.assertEqual((line.rule, line.result, line.started), ('Welcome partners', False, False))

    def test_an_unreachable_sidecar_gives_the_reason_not_an_exception(self):
        url = 'http://127.0.0.1:%d' % _free_port()
        self.point_to(url, SECRET)
        status = self.open_status()
        self.assertIn('Cannot reach the sidecar at %s' % url, status.sidecar_message)
        self.assertFalse(status.run_ids)
        self.assertFalse(status.dead_letter_ids)
        self.assertGreaterEqual(status.pending, 0)  # the outbox's part is there all the same

    def test_a_sidecar_that_does_not_answer_in_time_gives_the_reason(self):
        with socket.socket() as silent:  # accepts the connection (the backlog), never answers
            silent.bind(('127.0.0.1', 0))
            silent.listen(1)
            self.point_to('http://127.0.0.1:%d' % silent.getsockname()[1], SECRET)
            from ..models import sidecar_status
            with patch.object(sidecar_status, 'TIMEOUT', 0.2):
                status = self.open_status()
        self.assertIn('did not answer the login within 0.2 seconds', status.sidecar_message)
        self.assertFalse(status.run_ids)

    def test_a_refused_secret_gives_the_reason_and_asks_nothing_more(self):
        fake = self.sidecar(secret='another secret')
        status = self.open_status()
        self.assertIn('refused the push secret', status.sidecar_message)
        self.assertIn('sidecar_bridge.secret', status.sidecar_message)
        self.assertEqual([a['password'] for a in fake.logins], [SECRET])
        self.assertEqual(fake.calls, [])
        self.assertFalse(status.run_ids)

    def test_a_sidecar_without_dead_letters_shows_the_runs_and_why(self):
        self.sidecar(missing={'sidecar.dead_letter'})
        status = self.open_status()
        self.assertEqual(status.run_ids.mapped('run_id'), [row['id'] for row in RUNS])
        self.assertFalse(status.dead_letter_ids)
        self.assertIn("sidecar.dead_letter.search_read: Object sidecar.dead_letter doesn't exist",
                      status.sidecar_message)

    def test_no_url_gives_the_parameter_to_set(self):
        self.point_to('', SECRET)
        self.assertIn('sidecar_bridge.url', self.open_status().sidecar_message)
        self.point_to('http://127.0.0.1:9', '')
        self.assertIn('sidecar_bridge.secret', self.open_status().sidecar_message)

    def test_no_rule_in_the_sidecar_asks_it_nothing(self):
        fake = self.sidecar()
        self.offloaded.sidecar_offload = False
        status = self.open_status()
        self.assertIn('No rule is ticked', status.sidecar_message)
        self.assertEqual((fake.logins, fake.calls), ([], []))

    def test_replay_asks_the_sidecar_to_replay_the_dead_letter(self):
        fake = self.sidecar(replayable={907})
        action = self.env['sidecar.status'].action_open()
        status = self.env['sidecar.status'].browse(action['res_id'])
        [letter] = status.dead_letter_ids
        fake.calls.clear()
        again = letter.action_replay()
        [replay] = [c for c in fake.calls if c['method'] == 'action_replay']
        self.assertEqual((replay['model'], replay['args'], replay['password'], replay['uid']),
                         ('sidecar.dead_letter', [[907]], SECRET, SIDECAR_UID))
        # asked first whether 907 is this database's dead letter
        [check] = [c for c in fake.calls if c['method'] == 'search']
        self.assertEqual((check['model'], check['args']),
                         ('sidecar.dead_letter', [[['id', 'in', [907]], ['database', '=', self.env.cr.dbname]]]))
        self.assertLess(fake.calls.index(check), fake.calls.index(replay))
        # then the status anew, read again from the sidecar
        self.assertEqual((again['res_model'], again['target']), ('sidecar.status', 'new'))
        self.assertNotEqual(again['res_id'], status.id)
        self.assertEqual(len(fake.searches('sidecar.dead_letter')), 1)

    def test_a_dead_letter_the_sidecar_did_not_replay_is_said(self):
        self.sidecar(replayable=())
        [letter] = self.open_status().dead_letter_ids
        with self.assertRaisesRegex(UserError, 'did not replay the dead letters 907'):
            letter.action_replay()

    def test_another_databases_dead_letter_is_not_replayed(self):
        fake = self.sidecar(dead_letters=DEAD_LETTERS + [OTHER_DEAD_LETTER], replayable={907, 908})
        status = self.open_status()
        [own] = status.dead_letter_ids
        # a line of another database's id (never listed: made here as a crafted call would)
        foreign = self.env['sidecar.status.dead_letter'].create(
            {'status_id': status.id, 'event_id': OTHER_DEAD_LETTER['id'], 'rule': OTHER_DEAD_LETTER['rule']})
        for letters in (foreign, own | foreign):
            fake.calls.clear()
            with self.assertRaisesRegex(UserError, r'no dead letters 908 of this database .*Nothing was replayed'):
                letters.action_replay()
            self.assertEqual([c['method'] for c in fake.calls], ['search'])  # and no action_replay

    def test_replay_with_the_sidecar_away_says_why(self):
        self.sidecar(replayable={907})
        [letter] = self.open_status().dead_letter_ids
        self.point_to('http://127.0.0.1:%d' % _free_port(), SECRET)
        with self.assertRaisesRegex(UserError, 'Cannot reach the sidecar'):
            letter.action_replay()

    def test_the_form_shows_the_lines_and_the_message(self):
        self.sidecar()
        form = Form(self.env['sidecar.status'])
        self.assertEqual(len(form.run_ids), len(RUNS))
        self.assertEqual(len(form.dead_letter_ids), len(DEAD_LETTERS))
        self.assertFalse(form.sidecar_message)
        self.point_to('http://127.0.0.1:%d' % _free_port(), SECRET)
        form = Form(self.env['sidecar.status'])
        self.assertIn('Cannot reach', form.sidecar_message)
        self.assertEqual(len(form.run_ids), 0)

    def test_the_menu_opens_a_status_made_with_its_lines(self):
        self.sidecar()
        action = self.env.ref('sidecar_bridge.action_sidecar_status_open').run()
        status = self.env['sidecar.status'].browse(action['res_id'])
        self.assertEqual(len(status.run_ids), len(RUNS))
        self.assertEqual(action['views'], [(False, 'form')])

    def test_the_lists_speak_the_versions_words_and_offer_replay(self):
        # made at install and kept by each update (whose end deletes what it did not load)
        tag = 'list' if version_info[0] >= 18 else 'tree'
        outbox = self.env.ref('sidecar_bridge.view_sidecar_outbox_list')
        self.assertEqual((outbox.model, outbox.type), ('sidecar.outbox', tag))
        runs = self.env.ref('sidecar_bridge.view_sidecar_status_run_list')
        letters = self.env.ref('sidecar_bridge.view_sidecar_status_dead_letter_list')
        self.assertEqual((runs.model, runs.type), ('sidecar.status.run', tag))
        self.assertEqual((letters.model, letters.type), ('sidecar.status.dead_letter', tag))
        self.assertIn('name="action_replay"', letters.arch_db)
        self.assertEqual(self.env['sidecar.status.dead_letter'].get_view(view_type=tag)['id'], letters.id)
