# The addon's share of a user's save, measured inside Odoo (run by `scripts/bench addon` through
# `odoo-bin shell`): writes of one crm.lead, each committed, with nothing watched and with crm.lead
# watched (the outbox row, the watched values read before and after, the delivery thread woken,
# with no sidecar URL so that nothing leaves the process), in alternating rounds so that both see
# the same machine. Restores the parameters it changes.
import json
import os
import time

from odoo.addons.sidecar_bridge.models import sidecar_outbox

N = int(os.environ.get('ADDON_BENCH_WRITES', '300'))
ROUNDS = int(os.environ.get('ADDON_BENCH_ROUNDS', '3'))
WATCH = {'models': {'crm.lead': {'operations': ['create', 'write', 'unlink'],
                                 'old_fields': ['active', 'expected_revenue', 'id'], 'messages': False}}}

lead = env['crm.lead'].create({'name': 'sidecar addon bench', 'expected_revenue': 1.0})
env.cr.execute("SELECT key, value FROM ir_config_parameter WHERE key IN %s",
               (('sidecar_bridge.watch', 'sidecar_bridge.url'),))
saved = dict(env.cr.fetchall())


def set_param(key, value):
    env.cr.execute("UPDATE ir_config_parameter SET value = %s WHERE key = %s", (value, key))
    if not env.cr.rowcount:
        env.cr.execute("INSERT INTO ir_config_parameter (key, value) VALUES (%s, %s)", (key, value))


def writes(watch):
    set_param('sidecar_bridge.watch', json.dumps(watch))
    env.cr.commit()
    sidecar_outbox._RAW.clear()
    times = []
    for i in range(N):
        env.invalidate_all()
        start = time.perf_counter()
        lead.write({'expected_revenue': 1000.0 + i})
        env.cr.commit()
        times.append((time.perf_counter() - start) * 1000)
    times = sorted(times[N // 10:])
    return times[len(times) // 2]


try:
    set_param('sidecar_bridge.url', '')
    env.cr.commit()
    print('# %d committed writes of one crm.lead per case and round, p50 in ms' % N)
    for r in range(ROUNDS):
        none, watched = writes({}), writes(WATCH)
        print('round %d: nothing watched %.2f, crm.lead watched %.2f (+%.2f ms, %.2fx)'
              % (r + 1, none, watched, watched - none, watched / none))
finally:
    env.cr.rollback()
    for key in ('sidecar_bridge.watch', 'sidecar_bridge.url'):
        set_param(key, saved.get(key, ''))
    env.cr.execute("DELETE FROM sidecar_outbox WHERE model_name = 'crm.lead' AND res_ids = %s",
                   (json.dumps([lead.id]),))
    lead.unlink()
    env.cr.commit()
    sidecar_outbox._RAW.clear()
