"""Several sidecar URLs: each push, and each call of the status form, goes to the first that
answers; the instances are stood in for by small HTTP servers on free ports."""
import http.client
import json
import socket
import threading
import xmlrpc.client
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch

from odoo.tests import TransactionCase, tagged

from ..models import sidecar_urls
from .test_status import RUNS, SECRET, FakeSidecar, _free_port

# what the stand-in answers in each mode: (HTTP status, fault code, message), None for a real answer;
# the refusals and the 503 as the sidecar's endpoint gives them (RpcEndpoint, PushReceiver)
MODES = {
    'ok': None,
    'unavailable': (503, 1, 'unavailable: retry later'),
    'denied': (401, 3, 'Access Denied'),
    'invalid': (400, 2, "batch.events[0].op: must be one of [create, write, unlink, message], got 'x'"),
    'transport fault': (200, xmlrpc.client.TRANSPORT_ERROR, 'transport error'),
    'access fault': (200, 3, 'Access Denied'),
    'object fault': (200, 1, "Object sidecar.event doesn't exist on the sidecar"),
}


class StandIn:
    """One sidecar instance's XML-RPC endpoint: answers each call as its mode says (MODES; 'bad
    gateway' a proxy's HTML page with 502, 'not xml-rpc' such a page with 200) and records it.
    In mode 'ok' a push is taken; other calls go to behind (a FakeSidecar), when given."""

    def __init__(self, mode='ok', behind=None):
        self.mode = mode
        self.behind = behind
        self.calls = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                stand_in._answer(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def pushes(self):
        """The batches pushed to this instance, taken or not."""
        return [c['params'][5][0] for c in self.calls
                if c['method'] == 'execute_kw' and c['params'][3] == 'sidecar.event']

    def pushed_ids(self):
        """The outbox ids of the events of every push taken (in mode ok), in order."""
        return [e['id'] for c in self.calls if c.get('taken') for e in c['params'][5][0]['events']]

    def _answer(self, handler):
        params, method = xmlrpc.client.loads(handler.rfile.read(int(handler.headers['Content-Length'])),
                                             use_builtin_types=True)
        call = {'path': handler.path, 'method': method, 'params': params}
        self.calls.append(call)
        if self.mode in ('bad gateway', 'not xml-rpc'):
            status, reason = (502, 'Bad Gateway') if self.mode == 'bad gateway' else (200, 'OK')
            return self._send(handler, status, reason, b'<html><body>No backend</body></html>', 'text/html')
        if MODES[self.mode]:
            status, code, message = MODES[self.mode]
            return self._send(handler, status, message, self._fault(code, message), 'text/xml')
        try:
            result = xmlrpc.client.dumps((self._result(call, method, params),), methodresponse=True, allow_none=True)
        except xmlrpc.client.Fault as e:
            return self._send(handler, 200, 'OK', self._fault(e.faultCode, e.faultString), 'text/xml')
        return self._send(handler, 200, 'OK', result.encode(), 'text/xml')

    def _result(self, call, method, params):
        if method == 'execute_kw' and params[3] == 'sidecar.event':
            call['taken'] = True
            return {'accepted': len(params[5][0]['events']), 'duplicates': 0}
        return getattr(self.behind, method)(*params)

    @staticmethod
    def _fault(code, message):
        return xmlrpc.client.dumps(xmlrpc.client.Fault(code, message), methodresponse=True).encode()

    @staticmethod
    def _send(handler, status, reason, body, content_type):
        handler.send_response(status, reason)
        handler.send_header('Content-Type', content_type)
        handler.send_header('Content-Length', str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


def _down():
    return 'http://127.0.0.1:%d' % _free_port()


class _SeveralUrls(TransactionCase):

    def setUp(self):
        super().setUp()
        sidecar_urls.forget()  # as a new worker process: no URL answered yet
        self.addCleanup(sidecar_urls.forget)

    def stand_in(self, mode='ok', behind=None):
        stand_in = StandIn(mode, behind)
        self.addCleanup(stand_in.stop)
        return stand_in

    def point_to(self, *urls, separator=', '):
        params = self.env['ir.config_parameter'].sudo()
        params.set_param('sidecar_bridge.url', separator.join(urls))
        params.set_param('sidecar_bridge.secret', SECRET)


@tagged('post_install', '-at_install')
class TestDeliveryToSeveralUrls(_SeveralUrls):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env['ir.config_parameter'].sudo().set_param('sidecar_bridge.watch', json.dumps({'models': {
            'res.partner': {'operations': ['create'], 'old_fields': [], 'messages': False}}}))
        cls.Outbox = cls.env['sidecar.outbox']
        from ..models import sidecar_outbox
        sidecar_outbox._RAW.clear()  # the watch list just written, not one read before

    def setUp(self):
        super().setUp()
        from ..models import sidecar_outbox
        self.addCleanup(sidecar_outbox._RAW.clear)  # the other classes' watch list after the rollback
        self.Outbox.search([('state', '=', 'pending')]).write({'state': 'sent'})  # only this test's rows

    def change(self, name='Several URLs'):
        """A saved change: one pending row of the outbox."""
        self.env['res.partner'].create({'name': name})
        [row] = self.Outbox.search([('state', '=', 'pending')])
        return row

    def test_a_first_url_that_refuses_the_connection_passes_the_batch_to_the_second(self):
        second = self.stand_in()
        self.point_to(_down(), second.url, separator='\n')
        row = self.change()
        self.assertEqual(self.Outbox._deliver(), 1)
        self.assertEqual(second.pushed_ids(), [row.id])
        self.assertEqual((row.state, row.attempts, row.last_error), ('sent', 0, False))

    def test_a_first_url_that_does_not_answer_in_time_passes_the_batch_on(self):
        second = self.stand_in()
        with socket.socket() as silent:  # accepts the connection (the backlog), never answers
            silent.bind(('127.0.0.1', 0))
            silent.listen(1)
            self.point_to('http://127.0.0.1:%d' % silent.getsockname()[1], second.url)
            row = self.change()
            from ..models import sidecar_outbox
            with patch.object(sidecar_outbox, 'TIMEOUT', 0.2):
                self.assertEqual(self.Outbox._deliver(), 1)
        self.assertEqual(second.pushed_ids(), [row.id])

    def test_a_server_error_passes_the_batch_to_the_next_url(self):
        for mode in ('unavailable', 'bad gateway', 'transport fault', 'not xml-rpc'):
            with self.subTest(mode=mode):
                sidecar_urls.forget()
                first, second = self.stand_in(mode), self.stand_in()
                self.point_to(first.url, second.url)
                row = self.change(mode)
                self.assertEqual(self.Outbox._deliver(), 1)
                self.assertEqual(len(first.pushes()), 1, 'the first URL was asked')
                self.assertEqual(first.pushed_ids(), [])
                self.assertEqual(second.pushed_ids(), [row.id])
                self.assertEqual(row.state, 'sent')

    def test_each_url_tried_gets_a_batch_of_its_own(self):
        first, second = self.stand_in('unavailable'), self.stand_in()
        self.point_to(first.url, second.url)
        self.change()
        self.Outbox._deliver()
        [refused], [taken] = first.pushes(), second.pushes()
        self.assertNotEqual(refused['nonce'], taken['nonce'])
        self.assertEqual(refused['events'], taken['events'])

    def test_no_url_answering_keeps_the_rows_for_the_backoff_to_retry(self):
        first = self.stand_in('unavailable')
        down = _down()
        self.point_to(first.url, down)
        row = self.change()
        self.assertEqual(self.Outbox._deliver(), 0)
        self.assertEqual((row.state, row.attempts), ('pending', 1))
        self.assertGreater(row.next_attempt, datetime.now())
        self.assertIn('no sidecar answered', row.last_error)
        self.assertIn('%s: <ProtocolError for %s/xmlrpc/2/object: 503' % (first.url, first.url[len('http://'):]),
                      row.last_error)
        self.assertIn('%s: [Errno' % down, row.last_error)
        # back before the backoff ends: the row waits for it
        first.mode = 'ok'
        self.assertEqual(self.Outbox._deliver(), 0)
        self.assertEqual(first.pushed_ids(), [])
        # the backoff over: the same change is delivered
        row.next_attempt = datetime.now() - timedelta(seconds=1)
        self.assertEqual(self.Outbox._deliver(), 1)
        self.assertEqual(first.pushed_ids(), [row.id])
        self.assertEqual((row.state, row.last_error), ('sent', False))

    def test_a_refusal_of_the_sidecar_is_not_sent_to_the_next_url(self):
        for mode, said in (('denied', '401 Access Denied'), ('invalid', '400 batch.events[0].op'),
                           ('access fault', 'Access Denied'),
                           ('object fault', "Object sidecar.event doesn't exist")):
            with self.subTest(mode=mode):
                sidecar_urls.forget()
                first, second = self.stand_in(mode), self.stand_in()
                self.point_to(first.url, second.url)
                row = self.change(mode)
                self.assertEqual(self.Outbox._deliver(), 0)
                self.assertEqual(len(first.pushes()), 1)
                self.assertEqual(second.calls, [])
                self.assertEqual((row.state, row.attempts), ('pending', 1))
                self.assertIn(said, row.last_error)
                self.assertNotIn('no sidecar answered', row.last_error)
                self.assertGreater(row.next_attempt, datetime.now())
                row.state = 'sent'  # out of the next mode's way

    def test_the_url_that_answered_last_is_tried_first(self):
        first, second = self.stand_in('unavailable'), self.stand_in()
        self.point_to(first.url, second.url)
        one = self.change('one')
        self.Outbox._deliver()
        self.assertEqual((len(first.calls), second.pushed_ids()), (1, [one.id]))
        # the first is back, but the second answered last: asked first, it takes the batch
        first.mode = 'ok'
        two = self.change('two')
        self.assertEqual(self.Outbox._deliver(), 1)
        self.assertEqual((len(first.calls), second.pushed_ids()), (1, [one.id, two.id]))
        # the second away: tried first, then the first takes the batch, and is tried first after
        second.mode = 'unavailable'
        three = self.change('three')
        self.Outbox._deliver()
        self.assertEqual((first.pushed_ids(), len(second.calls)), ([three.id], 3))
        four = self.change('four')
        self.Outbox._deliver()
        self.assertEqual((first.pushed_ids(), len(second.calls)), ([three.id, four.id], 3))

    def test_a_new_process_starts_again_with_the_first_url(self):
        first, second = self.stand_in('unavailable'), self.stand_in()
        self.point_to(first.url, second.url)
        self.change('one')
        self.Outbox._deliver()
        first.mode = 'ok'
        sidecar_urls.forget()
        two = self.change('two')
        self.Outbox._deliver()
        self.assertEqual(first.pushed_ids(), [two.id])

    def test_a_single_url_is_delivered_to_as_before(self):
        sidecar = self.stand_in()
        self.point_to(' %s/ ' % sidecar.url)
        row = self.change()
        with self.assertLogs('odoo.addons.sidecar_bridge.models.sidecar_outbox', 'DEBUG') as logs:
            self.assertEqual(self.Outbox._deliver(), 1)
        [call] = sidecar.calls
        db, uid, secret, model, method, args = call['params']
        self.assertEqual((call['path'], db, uid, secret, model, method),
                         ('/xmlrpc/2/object', self.env.cr.dbname, 1, SECRET, 'sidecar.event', 'push'))
        self.assertEqual([e['id'] for e in args[0]['events']], [row.id])
        self.assertTrue(any('%s took 1 events' % sidecar.url in line for line in logs.output), logs.output)

    def test_a_single_url_away_keeps_its_own_reason(self):
        self.point_to(_down())
        row = self.change()
        self.assertEqual(self.Outbox._deliver(), 0)
        self.assertEqual((row.state, row.attempts), ('pending', 1))
        self.assertIn('Connection refused', row.last_error)
        self.assertNotIn('no sidecar answered', row.last_error)

    def test_an_entry_that_is_no_url_is_passed_over_and_named(self):
        sidecar = self.stand_in()
        self.point_to('ftp://archive.example.com', sidecar.url)
        row = self.change('one')
        self.assertEqual(self.Outbox._deliver(), 1)
        self.assertEqual(sidecar.pushed_ids(), [row.id])
        self.point_to('127.0.0.1:8765')
        row = self.change('two')
        self.assertEqual(self.Outbox._deliver(), 0)
        self.assertEqual(row.state, 'pending')
        self.assertEqual(row.last_error, "sidecar_bridge.url: '127.0.0.1:8765' is not an http:// or https:// URL")

    def test_the_urls_are_separated_by_commas_and_whitespace(self):
        self.assertEqual(
            sidecar_urls.parse(' http://a:1/ ,http://b:2\n\thttp://c:3,, http://a:1 '),
            ['http://a:1', 'http://b:2', 'http://c:3'])
        self.assertEqual(sidecar_urls.parse('https://sidecar.example.com/'), ['https://sidecar.example.com'])
        self.assertEqual((sidecar_urls.parse(''), sidecar_urls.parse(None), sidecar_urls.parse(' , ')), ([], [], []))

    def test_an_https_url_is_spoken_to_over_tls(self):
        for url, tls in (('https://sidecar.example.com', True), ('http://sidecar.example.com', False)):
            transport = sidecar_urls.proxy(url, 'object', 1.5)._ServerProxy__transport
            connection = transport.make_connection('sidecar.example.com')
            self.assertEqual((isinstance(connection, http.client.HTTPSConnection), connection.timeout), (tls, 1.5))


@tagged('post_install', '-at_install')
class TestStatusFromSeveralUrls(_SeveralUrls):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        model = cls.env['ir.model']._get('res.partner')
        cls.env['base.automation'].with_context(active_test=False).search(
            [('sidecar_offload', '=', True)]).sidecar_offload = False
        for name in ('Tag VIP leads', 'Welcome partners'):
            cls.env['base.automation'].create({'name': name, 'model_id': model.id,
                                               'trigger': 'on_create_or_write', 'sidecar_offload': True})

    def fake(self, **kwargs):
        fake = FakeSidecar(self.env.cr.dbname, **kwargs)
        self.addCleanup(fake.stop)
        return fake

    def runs(self, status):
        return status.run_ids.mapped('run_id')

    def test_a_first_url_away_gives_the_second_ones_runs(self):
        second = self.fake()
        self.point_to(_down(), second.url)
        status = self.env['sidecar.status'].create({})
        self.assertFalse(status.sidecar_message)
        self.assertEqual(self.runs(status), [row['id'] for row in RUNS])
        self.assertEqual(len(second.logins), 1)

    def test_a_first_url_answering_a_server_error_gives_the_second_ones_runs(self):
        first, second = self.stand_in('unavailable'), self.fake()
        self.point_to(first.url, second.url)
        status = self.env['sidecar.status'].create({})
        self.assertFalse(status.sidecar_message)
        self.assertEqual(self.runs(status), [row['id'] for row in RUNS])
        self.assertEqual([(c['path'], c['method']) for c in first.calls], [('/xmlrpc/2/common', 'authenticate')])

    def test_a_refused_secret_is_not_tried_at_the_next_url(self):
        first, second = self.fake(secret='another secret'), self.fake()
        self.point_to(first.url, second.url)
        status = self.env['sidecar.status'].create({})
        self.assertIn('The sidecar at %s refused the push secret' % first.url, status.sidecar_message)
        self.assertEqual((len(first.logins), second.logins, second.calls), (1, [], []))
        self.assertFalse(status.run_ids)

    def test_the_form_asks_first_the_url_the_delivery_found_answering(self):
        first = self.stand_in('unavailable', behind=self.fake())
        second = self.stand_in('ok', behind=self.fake())
        self.point_to(first.url, second.url)
        self.env['ir.config_parameter'].sudo().set_param('sidecar_bridge.watch', json.dumps({'models': {
            'res.partner': {'operations': ['create'], 'old_fields': [], 'messages': False}}}))
        from ..models import sidecar_outbox
        sidecar_outbox._RAW.clear()
        self.addCleanup(sidecar_outbox._RAW.clear)
        self.env['sidecar.outbox'].search([('state', '=', 'pending')]).write({'state': 'sent'})
        self.env['res.partner'].create({'name': 'Delivered to the second'})
        self.env['sidecar.outbox']._deliver()
        self.assertEqual(len(second.pushed_ids()), 1)
        first.mode = 'ok'
        asked = len(first.calls)
        status = self.env['sidecar.status'].create({})
        self.assertEqual(self.runs(status), [row['id'] for row in RUNS])
        self.assertEqual(len(first.calls), asked, 'the first URL was not asked')
        self.assertEqual(len(second.behind.logins), 1)

    def test_no_url_answering_gives_each_ones_reason(self):
        first, second = _down(), self.stand_in('unavailable')
        self.point_to(first, second.url)
        status = self.env['sidecar.status'].create({})
        self.assertIn('No sidecar answered', status.sidecar_message)
        self.assertIn('Cannot reach the sidecar at %s' % first, status.sidecar_message)
        self.assertIn('The sidecar at %s answered the login with HTTP 503' % second.url, status.sidecar_message)
        self.assertFalse(status.run_ids)
