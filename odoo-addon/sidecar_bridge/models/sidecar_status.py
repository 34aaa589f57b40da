"""The sidecar's status: a read-only form under Settings > Technical > Automation.

What the outbox knows (last delivery, pending changes), and what the sidecar tells of the rules
it runs for this database: their last runs and their dead letters, read over XML-RPC from the
sidecar's ``sidecar.run`` and ``sidecar.dead_letter`` with the push secret as password, filtered
by this database's name (one sidecar may serve several databases with rules of the same names). A sidecar
away or refusing leaves the form open, with the reason in place of its lists. With several sidecar
URLs, each call goes to the first that answers, in the order the delivery uses (sidecar_urls).
"""
import http.client
import logging
import socket
import xmlrpc.client
from xml.parsers.expat import ExpatError

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from . import sidecar_urls
from .sidecar_outbox import PARAM_SECRET, PARAM_URL, list_view

_logger = logging.getLogger(__name__)

TIMEOUT = 5.0  # seconds: the form waits no longer than this for each answer of the sidecar
SHOWN = 20     # the most runs, and the most dead letters, the form lists
RUN_FIELDS = ['rule', 'records', 'started', 'duration_ms', 'result', 'error']
DEAD_LETTER_FIELDS = ['rule', 'model', 'record_id', 'attempts', 'last_error', 'failed_at']
RESULTS = [('done', 'Done'), ('failed', 'Failed'), ('parked', 'Parked'), ('waiting', 'Waiting')]


class SidecarUnavailable(Exception):
    """The sidecar could not be asked, or refused: the message says why, for a person.

    ``passes_on``: the next URL may be asked instead; ``answered``: a sidecar was there to say it."""

    def __init__(self, message, passes_on=False, answered=False):
        super().__init__(message)
        self.passes_on = passes_on
        self.answered = answered


def _classify(error):
    """What sidecar_urls.first_answer needs of a failure at one URL."""
    if isinstance(error, SidecarUnavailable):
        return error.passes_on, error.answered
    return False, False


class Sidecar:
    """The sidecar's XML-RPC endpoint, opened with this database's push secret; of several URLs,
    the first that answers each call.

    ``authenticate(db, login, secret, {})`` answers the uid the sidecar gives the secret's holder
    (it checks the secret only); each call then passes that uid and the secret."""

    def __init__(self, env):
        self.env = env  # for the messages' language
        params = env['ir.config_parameter'].sudo()
        self.urls = sidecar_urls.parse(params.get_param(PARAM_URL))
        self.url = self.urls[0] if self.urls else ''  # the one that answered last, for messages
        self.secret = params.get_param(PARAM_SECRET) or ''
        self.db = env.cr.dbname
        self.login = env.user.login
        self.uids = {}  # url -> the uid its login answered

    def _ask(self, url, what, call):
        try:
            return call()
        except xmlrpc.client.Fault as e:
            raise SidecarUnavailable(_('The sidecar at %(url)s refused %(what)s: %(reason)s',
                                       url=url, what=what, reason=e.faultString),
                                     passes_on=sidecar_urls.passes_on(e), answered=True) from e
        except xmlrpc.client.ProtocolError as e:
            raise SidecarUnavailable(_('The sidecar at %(url)s answered %(what)s with HTTP %(code)s %(reason)s',
                                       url=url, what=what, code=e.errcode, reason=e.errmsg),
                                     passes_on=sidecar_urls.passes_on(e), answered=True) from e
        except (socket.timeout, TimeoutError) as e:
            raise SidecarUnavailable(_('The sidecar at %(url)s did not answer %(what)s within %(seconds)s seconds',
                                       url=url, what=what, seconds='%g' % TIMEOUT), passes_on=True) from e
        except OSError as e:  # refused, unknown host, closed without an answer
            raise SidecarUnavailable(_('Cannot reach the sidecar at %(url)s: %(error)s',
                                       url=url, error=e), passes_on=True) from e
        except (ExpatError, xmlrpc.client.ResponseError, http.client.HTTPException, ValueError) as e:
            raise SidecarUnavailable(_('The sidecar at %(url)s gave an answer to %(what)s that is not XML-RPC: %(error)s',
                                       url=url, what=what, error=e), passes_on=True) from e

    def _login(self, url):
        if url in self.uids:
            return self.uids[url]
        uid = self._ask(url, _('the login'), lambda: sidecar_urls.proxy(url, 'common', TIMEOUT).authenticate(
            self.db, self.login, self.secret, {}))
        if not uid:
            raise SidecarUnavailable(_('The sidecar at %(url)s refused the push secret (system parameter %(param)s)',
                                       url=url, param=PARAM_SECRET), answered=True)
        self.uids[url] = uid
        return uid

    def execute(self, model, method, args, kwargs=None):
        """model.method(*args, **kwargs) on the first sidecar that answers; SidecarUnavailable says
        why it failed (at each URL, when there are several)."""
        if not self.urls:
            raise SidecarUnavailable(_('No sidecar URL: set the system parameter %s.', PARAM_URL))
        if not self.secret:
            raise SidecarUnavailable(_('No push secret: set the system parameter %s.', PARAM_SECRET))

        def call(url):
            uid = self._login(url)
            return self._ask(url, '%s.%s' % (model, method), lambda: sidecar_urls.proxy(url, 'object', TIMEOUT)
                             .execute_kw(self.db, uid, self.secret, model, method, args, kwargs or {}))
        try:
            self.url, answer = sidecar_urls.first_answer(self.db, self.urls, call, _classify)
        except sidecar_urls.BadUrl as e:
            raise SidecarUnavailable(str(e)) from e
        except sidecar_urls.NoneAnswered as e:
            reasons = '; '.join(str(error) for _url, error in e.failures)
            raise SidecarUnavailable(_('No sidecar answered: %s', reasons)) from e
        return answer

    def own_dead_letters(self, ids):
        """Those of ids that are dead letters of this database in the sidecar (a set)."""
        found = self.execute('sidecar.dead_letter', 'search',
                             [[('id', 'in', list(ids)), ('database', '=', self.db)]])
        if not isinstance(found, list):
            raise SidecarUnavailable(_('The sidecar at %(url)s answered sidecar.dead_letter.search with no list of ids',
                                       url=self.url))
        return set(found)

    def recent(self, model, domain, field_names):
        """The SHOWN last rows of model matching domain (a list of dicts)."""
        rows = self.execute(model, 'search_read', [domain],
                            {'fields': field_names, 'limit': SHOWN, 'order': 'id desc'})
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise SidecarUnavailable(_('The sidecar at %(url)s answered %(model)s.search_read with no list of rows',
                                       url=self.url, model=model))
        return rows


def _text(value):
    return value if isinstance(value, str) and value else False


def _number(value, kind=int):
    return kind(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else kind(0)


def _datetime(value):
    """A datetime as the sidecar answers it ('YYYY-MM-DD HH:MM:SS' UTC, or False)."""
    if not isinstance(value, str) or not value:
        return False
    try:
        return fields.Datetime.to_datetime(value[:19])
    except ValueError:
        return False


class SidecarStatus(models.TransientModel):
    _name = 'sidecar.status'
    _description = 'Sidecar status'

    url = fields.Char('Sidecar URL', readonly=True)
    last_delivery = fields.Datetime(readonly=True)
    pending = fields.Integer('Pending changes', readonly=True)
    last_error = fields.Text(readonly=True)
    offloaded = fields.Integer('Rules run in the sidecar', readonly=True)
    sidecar_message = fields.Text(
        'Sidecar', readonly=True,
        help='Why the last runs and dead letters could not be read from the sidecar.')
    run_ids = fields.One2many('sidecar.status.run', 'status_id', 'Last runs', readonly=True)
    dead_letter_ids = fields.One2many('sidecar.status.dead_letter', 'status_id', 'Dead letters', readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        status = self.env['sidecar.outbox'].status()
        values.update(
            url=self.env['ir.config_parameter'].sudo().get_param(PARAM_URL) or False,
            last_delivery=status['last_delivery'],
            pending=status['pending'],
            last_error=status['last_error'],
            offloaded=self.env['base.automation'].sudo().search_count([('sidecar_offload', '=', True)]),
        )
        if {'run_ids', 'dead_letter_ids', 'sidecar_message'} & set(fields_list):
            values.update(self._from_sidecar())
        return values

    @api.model
    def _offloaded_names(self):
        """The names the sidecar gives the rules ticked "Run in sidecar": each automation's name,
        as its import reads it over RPC (no language in the context: the source text). Archived
        rules too: their runs and dead letters are still the sidecar's."""
        automations = self.env['base.automation'].sudo().with_context(active_test=False, lang='en_US')
        return sorted(set(automations.search([('sidecar_offload', '=', True)]).mapped('name')))

    @api.model
    def _from_sidecar(self):
        """The runs and dead letters lines of the offloaded rules, and the message when the sidecar
        could not give them (what was read before the failure is kept)."""
        values = {'run_ids': [], 'dead_letter_ids': [], 'sidecar_message': False}
        names = self._offloaded_names()
        if not names:
            values['sidecar_message'] = _('No rule is ticked "Run in sidecar": the sidecar runs none for this database.')
            return values
        sidecar = Sidecar(self.env)
        # a sidecar may serve several databases whose rules share names: only this one's
        domain = [('database', '=', sidecar.db), ('rule', 'in', names)]
        try:
            runs = sidecar.recent('sidecar.run', domain, RUN_FIELDS)
            values['run_ids'] = [(0, 0, self.env['sidecar.status.run']._line(row)) for row in runs]
            letters = sidecar.recent('sidecar.dead_letter', domain, DEAD_LETTER_FIELDS)
            values['dead_letter_ids'] = [(0, 0, self.env['sidecar.status.dead_letter']._line(row))
                                         for row in letters]
        except SidecarUnavailable as e:
            _logger.info('sidecar_bridge: status without the sidecar: %s', e)
            values['sidecar_message'] = str(e)
        return values

    @api.model
    def action_open(self):
        """The status form on a record made now: its lines exist, so their buttons run at once."""
        status = self.create({})
        return {
            'type': 'ir.actions.act_window',
            'name': _('Sidecar status'),
            'res_model': self._name,
            'res_id': status.id,
            'view_mode': 'form',
            'views': [(False, 'form')],
            'target': 'new',
        }

    @api.model
    def _setup_views(self):
        """The two lists of the form, in the version's words (see list_view)."""
        run_columns = (
            '<field name="rule"/><field name="records"/><field name="started"/>'
            '<field name="duration_ms"/><field name="result"/><field name="error"/>')
        list_view(self.env, 'sidecar.status.run', 'sidecar_bridge.view_sidecar_status_run_list', run_columns,
                  'create="false" edit="false" delete="false" decoration-danger="result == \'failed\'" '
                  'decoration-warning="result == \'parked\'" decoration-muted="result == \'waiting\'"')
        letter_columns = (
            '<field name="event_id"/><field name="rule"/><field name="model"/><field name="record_id"/>'
            '<field name="attempts"/><field name="last_error"/><field name="failed_at"/>'
            '<button name="action_replay" type="object" string="Replay" icon="fa-repeat"/>')
        list_view(self.env, 'sidecar.status.dead_letter', 'sidecar_bridge.view_sidecar_status_dead_letter_list',
                  letter_columns, 'create="false" edit="false" delete="false"')

    def action_deliver_now(self):
        self.env['sidecar.outbox']._cron_deliver()
        return {'type': 'ir.actions.client', 'tag': 'reload'}


class SidecarStatusRun(models.TransientModel):
    _name = 'sidecar.status.run'
    _description = "A run in the sidecar of a rule it runs for this database"
    _order = 'id'  # as the sidecar answered: last first

    status_id = fields.Many2one('sidecar.status', required=True, ondelete='cascade')
    run_id = fields.Integer('Run', readonly=True, help="The run's id in the sidecar")
    rule = fields.Char(readonly=True)
    records = fields.Integer(readonly=True)
    started = fields.Datetime(readonly=True)
    duration_ms = fields.Float('Duration (ms)', readonly=True)
    result = fields.Selection(RESULTS, readonly=True)
    error = fields.Text(readonly=True)

    @api.model
    def _line(self, row):
        result = row.get('result')
        return {
            'run_id': _number(row.get('id')),
            'rule': _text(row.get('rule')),
            'records': _number(row.get('records')),
            'started': _datetime(row.get('started')),
            'duration_ms': _number(row.get('duration_ms'), float),
            # a result this addon does not know (a newer sidecar's) shows as none
            'result': result if result in dict(RESULTS) else False,
            'error': _text(row.get('error')),
        }


class SidecarStatusDeadLetter(models.TransientModel):
    _name = 'sidecar.status.dead_letter'
    _description = "A dead letter in the sidecar of a rule it runs for this database"
    _order = 'id'  # as the sidecar answered: last first

    status_id = fields.Many2one('sidecar.status', required=True, ondelete='cascade')
    event_id = fields.Integer('Event', readonly=True, help="The dead letter's id in the sidecar: its event's")
    rule = fields.Char(readonly=True)
    model = fields.Char(readonly=True)
    record_id = fields.Integer('Record', readonly=True)
    attempts = fields.Integer(readonly=True)
    last_error = fields.Text(readonly=True)
    failed_at = fields.Datetime(readonly=True)

    @api.model
    def _line(self, row):
        return {
            'event_id': _number(row.get('id')),
            'rule': _text(row.get('rule')),
            'model': _text(row.get('model')),
            'record_id': _number(row.get('record_id')),
            'attempts': _number(row.get('attempts')),
            'last_error': _text(row.get('last_error')),
            'failed_at': _datetime(row.get('failed_at')),
        }

    def action_replay(self):
        """Asks the sidecar to run these dead letters' events again, then shows the status anew.

        Only when each is a dead letter of this database in the sidecar: the sidecar replays any
        id it is given, and it may serve other databases too. Otherwise nothing is replayed."""
        ids = self.mapped('event_id')
        sidecar = Sidecar(self.env)
        try:
            own = sidecar.own_dead_letters(ids)
            foreign = [i for i in ids if i not in own]
            if foreign:
                raise UserError(_('The sidecar has no dead letters %(ids)s of this database (%(db)s): replayed or '
                                  'discarded since the form was opened, or another database\'s? Nothing was replayed.',
                                  ids=', '.join(map(str, foreign)), db=sidecar.db))
            answer = sidecar.execute('sidecar.dead_letter', 'action_replay', [ids])
        except SidecarUnavailable as e:
            raise UserError(str(e)) from e
        replayed = set(answer) if isinstance(answer, list) else set()
        left = [i for i in ids if i not in replayed]
        if left:
            raise UserError(_('The sidecar did not replay the dead letters %(ids)s: replayed or discarded '
                              'since the form was opened?', ids=', '.join(map(str, left))))
        return self.env['sidecar.status'].action_open()
