"""The transactional outbox: one row per change, written in the transaction of the change, pushed to
the sidecar after commit (and by a cron while the sidecar is away)."""
import json
import logging
import os
import threading
import time
import uuid
from datetime import date, datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.release import version_info
from odoo.modules.registry import Registry

from . import sidecar_urls
from .sidecar_urls import PARAM_URL  # the sidecar's base URLs, e.g. http://10.0.0.5:8765, http://10.0.0.6:8765

_logger = logging.getLogger(__name__)

PARAM_SECRET = 'sidecar_bridge.secret'    # the shared push secret
# JSON: {"models": {model: {"operations", "old_fields", "unlink_fields", "messages"}}}; unlink_fields
# names the fields a deletion's row carries in its snapshot, "*" for every stored field but files
# and one2many
PARAM_WATCH = 'sidecar_bridge.watch'
PARAM_MAX_RECORDS = 'sidecar_bridge.max_records'  # the most records the sidecar takes in one push
PARAM_MAX_EVENTS = 'sidecar_bridge.max_events'    # the most events the sidecar takes in one push

_INSERT = """
    INSERT INTO sidecar_outbox (model_name, operation, res_ids, field_names, old_values, new_values,
                                unlink_values, write_dates, message, event_context, change_uid,
                                state, attempts, next_attempt, create_uid, create_date, write_uid,
                                write_date)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'pending', 0,
            date_trunc('second', now() AT TIME ZONE 'UTC'),
            %s, now() AT TIME ZONE 'UTC', %s, now() AT TIME ZONE 'UTC')
"""  # next_attempt to the second, as fields.Datetime.now() gives it: due at once

BATCH = 500
MAX_RECORDS = 5000     # records per push when the sidecar has not said its own limit
TIMEOUT = 2.0          # seconds: a save is never held up longer than this after its commit
RETENTION_DAYS = 7


def _wire(value):
    """A field value as Odoo's RPC answers it (the sidecar takes pushed values as read)."""
    if isinstance(value, datetime):
        return fields.Datetime.to_string(value)
    if isinstance(value, date):
        return fields.Date.to_string(value)
    if isinstance(value, bytes):
        return value.decode('ascii', 'replace')
    return str(value)


class _Deliverer:
    """One delivery thread per Odoo process, woken after each commit that left outbox rows: the
    user's request answers as soon as its transaction committed, and the push to the sidecar (a
    network round trip, however short) runs beside it. A process that dies with a wake-up pending
    loses nothing: its rows stay pending for the next push or the cron."""

    def __init__(self):
        self._lock = threading.Lock()
        self._due = set()
        self._wake = threading.Event()
        self._thread = None
        self._pid = None

    def wake(self, dbname):
        with self._lock:
            self._due.add(dbname)
            # a prefork worker inherits no thread from its parent: start one in each process
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name='sidecar_bridge delivery', daemon=True)
                self._thread.start()
        self._wake.set()

    def _run(self):
        while True:
            self._wake.wait()
            with self._lock:
                self._wake.clear()
                due, self._due = self._due, set()
            for dbname in due:
                self._deliver(dbname)

    @staticmethod
    def _deliver(dbname):
        threading.current_thread().dbname = dbname  # for Odoo's log lines
        try:
            with Registry(dbname).cursor() as cr:
                outbox = api.Environment(cr, api.SUPERUSER_ID, {})['sidecar.outbox']
                while outbox._deliver(limit=BATCH) == BATCH:
                    cr.commit()
        except Exception:  # noqa: BLE001 - the save is long done; the next push or the cron retries
            _logger.exception('sidecar_bridge: delivery after commit failed; the cron will retry')


_DELIVERER = _Deliverer()

_PARSED = {}
_RAW = {}          # database -> (read at, raw JSON)
WATCH_TTL = 5.0    # seconds a worker keeps the watch list before reading it again


def watch_list(env):
    """The models the sidecar watches. Read from the table at most every few seconds rather than
    through get_param's cache, whose invalidation does not always reach every worker when the
    sidecar writes the parameter over RPC."""
    dbname = env.cr.dbname
    read_at, raw = _RAW.get(dbname, (0.0, None))
    if raw is None or time.monotonic() - read_at > WATCH_TTL:
        env.cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", (PARAM_WATCH,))
        row = env.cr.fetchone()
        raw = (row[0] if row else None) or '{}'
        _RAW[dbname] = (time.monotonic(), raw)
    parsed = _PARSED.get(raw)
    if parsed is None:
        try:
            parsed = json.loads(raw).get('models', {})
        except ValueError:
            _logger.warning('sidecar_bridge: %s is not JSON', PARAM_WATCH)
            parsed = {}
        _PARSED.clear()
        _PARSED[raw] = parsed
    return parsed


def list_view(env, model, xml_id, columns, attributes='create="false" edit="false"'):
    """The list view of model under xml_id, made or rewritten with these columns, in the version's
    own words: Odoo 17 knows only <tree>, Odoo 18 renamed it <list> (and 19 knows only that). Made
    at install and update, as an XML file cannot say one or the other for every version."""
    tag = 'list' if version_info[0] >= 18 else 'tree'
    arch = '<%s %s>%s</%s>' % (tag, attributes, columns, tag)
    view = env.ref(xml_id, raise_if_not_found=False)
    if view:
        view.write({'arch': arch})
    else:
        view = env['ir.ui.view'].create({'name': '%s.list' % model, 'model': model, 'type': tag, 'arch': arch})
    # on an update too: an external id the update did not load is deleted at its end, with its view
    env['ir.model.data']._update_xmlids([{'xml_id': xml_id, 'record': view, 'noupdate': False}])
    return view


class SidecarOutbox(models.Model):
    _name = 'sidecar.outbox'
    _description = 'Sidecar outbox'
    _order = 'id'

    model_name = fields.Char(required=True, index=True)
    operation = fields.Selection(
        [('create', 'Create'), ('write', 'Write'), ('unlink', 'Delete'), ('message', 'Message')],
        required=True)
    res_ids = fields.Text(required=True, help='JSON list of record ids')
    field_names = fields.Text(help='JSON list of the fields written')
    old_values = fields.Text(help='JSON {id: {field: value}} before the change')
    new_values = fields.Text(help='JSON {id: {field: value}} after the change')
    unlink_values = fields.Text(
        help="JSON {id: {field: value}} of deleted records, taken before the deletion: the fields "
             "the sidecar's deletion actions read (the watch list's unlink_fields)")
    write_dates = fields.Text(help='JSON {id: write_date} after the change')
    message = fields.Text(help='JSON description of a posted message')
    event_context = fields.Text(help="JSON of the sidecar's marker in the context of the change")
    change_uid = fields.Integer()
    state = fields.Selection([('pending', 'Pending'), ('sent', 'Sent')], default='pending', required=True, index=True)
    attempts = fields.Integer(default=0)
    next_attempt = fields.Datetime(default=fields.Datetime.now)
    sent_at = fields.Datetime()
    last_error = fields.Text()

    # ------------------------------------------------------------------ recording

    @api.model
    def _record(self, model_name, operation, ids, field_names=(), old_values=None, write_dates=None,
                message=None, new_values=None, snapshot=None):
        """Adds a row in the current transaction: rolled back with it, committed with it.

        One INSERT rather than the ORM's create: this runs inside every watched save, and the row
        has no computed field, constraint or default the ORM would have to apply; nothing reads it
        back in the same transaction. Its dates are the transaction's, as the ORM's would be."""
        marker = self.env.context.get('sidecar_event')
        self.env.cr.execute(_INSERT, (
            model_name,
            operation,
            json.dumps(list(ids)),
            json.dumps(sorted(field_names)),
            json.dumps(old_values or {}, default=_wire),
            json.dumps(new_values or {}, default=_wire),
            json.dumps(snapshot, default=_wire) if snapshot else None,
            # to the microsecond: two writes within one second are two versions of the record
            json.dumps(write_dates or {}, default=str),
            json.dumps(message) if message else None,
            json.dumps(marker) if marker else None,
            self.env.uid,
            self.env.uid,
            self.env.uid,
        ))
        if not self.env.cr.postcommit.data.get('sidecar_bridge'):
            self.env.cr.postcommit.data['sidecar_bridge'] = True
            dbname = self.env.cr.dbname
            self.env.cr.postcommit.add(lambda: _DELIVERER.wake(dbname))

    # ------------------------------------------------------------------ delivery

    def _event(self, row):
        event = {
            'id': row.id,
            'model': row.model_name,
            'op': row.operation,
            # a recordset may name a record twice (browse([7, 7]).write(...)); the sidecar takes
            # each record once per event
            'ids': list(dict.fromkeys(json.loads(row.res_ids))),
            'fields': json.loads(row.field_names or '[]'),
            'old': json.loads(row.old_values or '{}'),
            'values': json.loads(row.new_values or '{}'),
            'write_date': json.loads(row.write_dates or '{}'),
            'uid': row.change_uid,
            'at': fields.Datetime.to_string(row.create_date),
        }
        if row.unlink_values:
            event['snapshot'] = json.loads(row.unlink_values)
        if row.message:
            event['message'] = json.loads(row.message)
        if row.event_context:
            event['context'] = json.loads(row.event_context)
        return event

    @api.model
    def _deliver(self, limit=BATCH):
        """Pushes due pending rows, oldest first; returns how many were delivered."""
        params = self.env['ir.config_parameter'].sudo()
        urls, secret = sidecar_urls.parse(params.get_param(PARAM_URL)), params.get_param(PARAM_SECRET)
        if not urls or not secret:
            return 0
        self.flush_model(['state', 'next_attempt'])  # the SELECT below sees this transaction's writes
        # rows locked by this delivery: a concurrent one (another save's, the cron) skips them
        self.env.cr.execute(
            "SELECT id FROM sidecar_outbox WHERE state = 'pending' AND next_attempt <= %s"
            " ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
            (fields.Datetime.now(), limit))
        rows = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        if not rows:
            return 0
        done = rows.browse()
        limits = self._limit(params, PARAM_MAX_RECORDS, MAX_RECORDS), self._limit(params, PARAM_MAX_EVENTS, BATCH)
        for push in self._pushes(rows, *limits):
            events = [e for _r, e, _l in push]
            try:
                url, answer = sidecar_urls.first_answer(
                    self.env.cr.dbname, urls, lambda url: self._push(url, secret, events))
            except Exception as e:  # noqa: BLE001 - no sidecar answered, or one refused: back off
                self._back_off(rows - done, e)
                self._mark_sent(done)
                return len(done)
            done |= rows.browse([row.id for row, _e, last in push if last])
            _logger.debug('sidecar_bridge: %s took %d events: %s', url, len(push), answer)
        self._mark_sent(done)
        self._due_now()  # the sidecar answers again: what waits in a backoff from its absence
        return len(done)

    def _push(self, url, secret, events):
        """One push of events to the sidecar at url; its answer. Each URL tried gets a batch of its
        own (nonce, time): an instance that took a batch but answered too late has kept its nonce,
        and another sharing its store would refuse that nonce as a replay; events sent twice the
        sidecar keeps once (by outbox id and record)."""
        batch = {'nonce': uuid.uuid4().hex, 'sent_at': time.time(), 'events': events}
        proxy = sidecar_urls.proxy(url, 'object', TIMEOUT)
        return proxy.execute_kw(self.env.cr.dbname, 1, secret, 'sidecar.event', 'push', [batch])

    @api.model
    def _limit(self, params, key, default):
        try:
            return max(1, int(params.get_param(key) or default))
        except ValueError:
            return default

    def _pushes(self, rows, max_records, max_events=BATCH):
        """The rows' events in pushes of at most max_records records and max_events events each:
        whole rows while they fit, a row with more records in pieces of its ids (the sidecar keys
        each record's event by outbox id and record, so a piece sent again is a duplicate). Each
        item is (row, event, last): last is true on the piece that completes its row."""
        pushes, current, count = [], [], 0
        for row in rows:
            event = self._event(row)
            ids = event['ids']
            if len(ids) > max_records:
                pushes += [current] if current else []
                current, count = [], 0
                for start in range(0, len(ids), max_records):
                    piece = ids[start:start + max_records]
                    pushes.append([(row, self._piece(event, piece), start + max_records >= len(ids))])
                continue
            if current and (count + len(ids) > max_records or len(current) >= max_events):
                pushes.append(current)
                current, count = [], 0
            current.append((row, event, True))
            count += len(ids)
        return pushes + ([current] if current else [])

    @staticmethod
    def _piece(event, ids):
        """The event restricted to some of its records."""
        keys = {str(i) for i in ids}
        piece = dict(event, ids=ids)
        for key in ('old', 'values', 'write_date', 'snapshot'):
            if key in event:
                piece[key] = {k: v for k, v in event[key].items() if k in keys}
        return piece

    def _back_off(self, rows, error):
        now = fields.Datetime.now()
        for row in rows:
            wait = min(3600, 10 * 2 ** min(row.attempts, 10))
            row.write({'attempts': row.attempts + 1, 'next_attempt': now + timedelta(seconds=wait),
                       'last_error': str(error)[:2000]})
        rows.flush_recordset()
        _logger.warning('sidecar_bridge: push of %d events failed: %s', len(rows), error)

    def _mark_sent(self, rows):
        if rows:
            rows.write({'state': 'sent', 'sent_at': fields.Datetime.now(), 'last_error': False})
            rows.flush_recordset()  # written now: the cursor of a post-commit delivery does not flush it

    @api.model
    def status(self):
        """What the settings show: last delivery, pending rows, last error (read from the rows, so
        that a delivery writes no parameter: writing one invalidates every worker's caches)."""
        rows = self.sudo()
        last_sent = rows.search([('state', '=', 'sent')], order='sent_at desc', limit=1)
        failing = rows.search([('state', '=', 'pending'), ('last_error', '!=', False)], order='id desc', limit=1)
        return {
            'last_delivery': fields.Datetime.to_string(last_sent.sent_at) if last_sent else False,
            'pending': rows.search_count([('state', '=', 'pending')]),
            'last_error': failing.last_error or False,
        }

    _LIST_FIELDS = ('id', 'create_date', 'model_name', 'operation', 'res_ids', 'state', 'attempts',
                    'next_attempt', 'last_error')

    @api.model
    def _setup_views(self):
        """The outbox's list view, under its external id, in the version's own words."""
        columns = ''.join('<field name="%s"/>' % name for name in self._LIST_FIELDS)
        return list_view(self.env, 'sidecar.outbox', 'sidecar_bridge.view_sidecar_outbox_list', columns)

    @api.model
    def _setup_cron(self):
        """Version differences of ir.cron, handled at install and update: Odoo 17 stops a cron after
        numbercall runs (1 by default) unless it is -1; Odoo 18 and later have no such field."""
        cron = self.env.ref('sidecar_bridge.ir_cron_sidecar_deliver', raise_if_not_found=False)
        if cron and 'numbercall' in cron._fields and cron.numbercall != -1:
            cron.numbercall = -1

    def _due_now(self):
        """Makes every pending row in a backoff due now; returns how many were."""
        self.env.cr.execute(
            "UPDATE sidecar_outbox SET next_attempt = %s WHERE state = 'pending' AND next_attempt > %s",
            (fields.Datetime.now(), fields.Datetime.now()))
        return self.env.cr.rowcount

    @api.model
    def action_resume(self):
        """Called by the sidecar when it (re)connects: rows waiting in a backoff from its absence
        are due now, and the delivery thread is woken after this call commits."""
        if not self.env.is_superuser() and not self.env.user.has_group('base.group_system'):
            raise AccessError("Only an administrator (the sidecar's own user) may resume the delivery.")
        resumed = self._due_now()
        dbname = self.env.cr.dbname
        self.env.cr.postcommit.add(lambda: _DELIVERER.wake(dbname))
        return resumed

    @api.model
    def _cron_deliver(self):
        """Delivers what is due (the sidecar was away, or a push failed), then purges old rows."""
        for _ in range(20):
            if not self._deliver(limit=BATCH):
                break
        cutoff = fields.Datetime.now() - timedelta(days=RETENTION_DAYS)
        self.sudo().search([('state', '=', 'sent'), ('sent_at', '<', cutoff)]).unlink()
