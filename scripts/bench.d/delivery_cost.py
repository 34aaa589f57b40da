"""The addon's cost as a user sees it (run by `scripts/bench delivery`): paced JSON-RPC writes of one
crm.lead in three setups, in blocks shuffled within each round so that all see the same machine:

  C  nothing watched
  B  crm.lead watched, no sidecar URL: the outbox row and the watched values, nothing delivered
  A  crm.lead watched, delivered after commit to a local stand-in for the sidecar (an XML-RPC
     endpoint answering every push at once): the row, the delivery thread and the push

A write comes 200 ms after the last one's answer, as a user's saves do. Each block starts after the
addon's workers have read the new watch list (its cache lives 5 s) and 10 uncounted writes.
Restores the parameters it changes and deletes its lead.

    python3 delivery_cost.py [WRITES per block, default 60] [ROUNDS, default 6]
"""
import json
import os
import random
import statistics
import sys
import threading
import time
import urllib.request
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

URL = os.environ['ODOO_URL'].rstrip('/')
DB = os.environ['ODOO_DB']
USER = os.environ.get('ODOO_USER', 'admin')
PASSWORD = os.environ.get('ODOO_PASSWORD', 'admin')
N = int(sys.argv[1]) if len(sys.argv) > 1 else 60
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 6
WATCH = json.dumps({'models': {'crm.lead': {
    'operations': ['create', 'write', 'unlink'],
    'old_fields': ['active', 'expected_revenue', 'id'], 'messages': False}}})
PARAMS = ('sidecar_bridge.url', 'sidecar_bridge.watch', 'sidecar_bridge.secret')

_seq = [0]


def call(service, method, *args):
    _seq[0] += 1
    body = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'id': _seq[0],
                       'params': {'service': service, 'method': method, 'args': list(args)}}).encode()
    request = urllib.request.Request(URL + '/jsonrpc', body, {'Content-Type': 'application/json'})
    answer = json.loads(urllib.request.urlopen(request, timeout=60).read())
    if 'error' in answer:
        raise RuntimeError(answer['error'])
    return answer.get('result')


UID = call('common', 'authenticate', DB, USER, PASSWORD, {})


def kw(model, method, args, kwargs=None):
    return call('object', 'execute_kw', DB, UID, PASSWORD, model, method, args, kwargs or {})


class _Sink:
    pushes = 0

    def execute_kw(self, *args):
        _Sink.pushes += 1
        return True


class _Handler(SimpleXMLRPCRequestHandler):
    rpc_paths = ('/xmlrpc/2/object',)


def main():
    sink = SimpleXMLRPCServer(('127.0.0.1', 0), requestHandler=_Handler, logRequests=False,
                              allow_none=True)
    sink.register_instance(_Sink())
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    sink_url = 'http://127.0.0.1:%d' % sink.server_address[1]
    saved = {key: kw('ir.config_parameter', 'get_param', [key]) for key in PARAMS}
    lead = kw('crm.lead', 'create', [{'name': 'sidecar delivery bench', 'expected_revenue': 1.0}])
    revenue = [1.0]

    def setup(case):
        kw('ir.config_parameter', 'set_param', ['sidecar_bridge.watch', '{}' if case == 'C' else WATCH])
        kw('ir.config_parameter', 'set_param', ['sidecar_bridge.url', sink_url if case == 'A' else ''])
        kw('ir.config_parameter', 'set_param', ['sidecar_bridge.secret', 'bench'])
        time.sleep(5.5)

    def block():
        times = []
        for i in range(-10, N):
            revenue[0] += 1
            start = time.perf_counter()
            kw('crm.lead', 'write', [[lead], {'expected_revenue': revenue[0]}])
            if i >= 0:
                times.append((time.perf_counter() - start) * 1000)
            time.sleep(0.2)
        return statistics.median(times)

    medians = {'A': [], 'B': [], 'C': []}
    print('# %s, database %s: %d paced writes of one crm.lead per block, %d rounds, p50 per block in ms'
          % (URL, DB, N, ROUNDS), flush=True)
    try:
        for r in range(ROUNDS):
            order = ['A', 'B', 'C']
            random.shuffle(order)
            for case in order:
                setup(case)
                before = _Sink.pushes
                medians[case].append(block())
                print('round %d %s %.2f (pushes received %d)'
                      % (r + 1, case, medians[case][-1], _Sink.pushes - before), flush=True)
    finally:
        for key, value in saved.items():
            kw('ir.config_parameter', 'set_param', [key, value or ''])
        kw('crm.lead', 'unlink', [[lead]])
        sink.shutdown()
    labels = {'C': 'nothing watched', 'B': 'watched, not delivered', 'A': 'watched and delivered'}
    base = statistics.median(medians['C'])
    for case in 'CBA':
        m = statistics.median(medians[case])
        print('%-24s median of blocks %.2f ms (%+.2f ms, %.3fx): %s'
              % (labels[case], m, m - base, m / base, ' '.join('%.2f' % x for x in medians[case])))


if __name__ == '__main__':
    main()
