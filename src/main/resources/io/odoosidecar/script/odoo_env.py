# The evaluation context of Odoo code actions, backed by the sidecar's RPC client.
# Loaded once per Python context; every execution gets a fresh namespace (see PythonEngine), and
# nothing it is given can be changed for a later execution: the classes and namespaces defined here
# are read-only (_Frozen), functions are handed out wrapped (_Call), and the datetime classes, which
# GraalPy defines in Python and leaves writable, are checked and put back after every execution.
import ast as _ast
import base64 as _base64
import datetime as _datetime
import json as _json
import re as _re
import math as _math
from operator import is_ as _is
import string as _string

import _string as _cstring
import time as _time


class _Frozen(type):
    """The type of the classes code actions are given: their attributes cannot be set or deleted."""

    def __setattr__(cls, name, value):
        raise TypeError("cannot set '%s' of %s: it is read-only in a code action" % (name, cls.__name__))

    def __delattr__(cls, name):
        raise TypeError("cannot delete '%s' of %s: it is read-only in a code action" % (name, cls.__name__))


class _Call(metaclass=_Frozen):
    """A function as code actions are given it: callable, with no attribute that can be set."""
    __slots__ = ('_function',)

    def __init__(self, function):
        object.__setattr__(self, '_function', function)

    def __call__(self, *args, **kwargs):
        return self._function(*args, **kwargs)

    def __setattr__(self, name, value):
        raise TypeError("cannot set '%s' of a function in a code action" % name)

    def __delattr__(self, name):
        raise TypeError("cannot delete '%s' of a function in a code action" % name)

    def __repr__(self):
        return '<function %s>' % getattr(self._function, '__name__', '?')


class UserError(Exception, metaclass=_Frozen):
    pass


class Warning(Exception, metaclass=_Frozen):  # noqa: A001 - Odoo's name
    pass


class ValidationError(UserError):
    pass


# ------------------------------------------------------------------ dateutil's relativedelta

class relativedelta(metaclass=_Frozen):
    def __init__(self, dt1=None, dt2=None, years=0, months=0, days=0, weeks=0, hours=0, minutes=0,
                 seconds=0, microseconds=0, year=None, month=None, day=None, weekday=None,
                 hour=None, minute=None, second=None, microsecond=None):
        self.years, self.months = years, months
        self.days = days + weeks * 7
        self.hours, self.minutes, self.seconds, self.microseconds = hours, minutes, seconds, microseconds
        self.year, self.month, self.day = year, month, day
        self.hour, self.minute, self.second, self.microsecond = hour, minute, second, microsecond

    def _apply(self, other):
        year = (self.year or other.year) + self.years
        month = self.month or other.month
        total = year * 12 + (month - 1) + self.months
        year, month = divmod(total, 12)
        month += 1
        import calendar as _calendar
        day = min(_calendar.monthrange(year, month)[1], self.day or other.day)
        repl = {'year': year, 'month': month, 'day': day}
        if isinstance(other, _datetime.datetime):
            for name in ('hour', 'minute', 'second', 'microsecond'):
                if getattr(self, name) is not None:
                    repl[name] = getattr(self, name)
        result = other.replace(**repl)
        return result + _datetime.timedelta(days=self.days, hours=self.hours, minutes=self.minutes,
                                            seconds=self.seconds, microseconds=self.microseconds)

    def __add__(self, other):
        if isinstance(other, (_datetime.date, _datetime.datetime)):
            return self._apply(other)
        return NotImplemented

    __radd__ = __add__

    def __rsub__(self, other):
        return relativedelta(years=-self.years, months=-self.months, days=-self.days,
                             hours=-self.hours, minutes=-self.minutes, seconds=-self.seconds,
                             microseconds=-self.microseconds)._apply(other)

    def __neg__(self):
        return relativedelta(years=-self.years, months=-self.months, days=-self.days,
                             hours=-self.hours, minutes=-self.minutes, seconds=-self.seconds)


class _Namespace(metaclass=_Frozen):
    """A module as code actions see it: its names, none of which can be set or deleted."""

    def __init__(self, **names):
        for key, value in names.items():
            object.__setattr__(self, key, value)

    def __setattr__(self, name, value):
        raise TypeError("cannot set '%s': modules are read-only in a code action" % name)

    def __delattr__(self, name):
        raise TypeError("cannot delete '%s': modules are read-only in a code action" % name)


dateutil = _Namespace(relativedelta=_Namespace(relativedelta=relativedelta))


def float_compare(value1, value2, precision_digits=None, precision_rounding=None):
    rounding = precision_rounding or (10 ** -(precision_digits if precision_digits is not None else 2))
    delta = round((value1 - value2) / rounding) * rounding
    if abs(delta) < rounding / 2:
        return 0
    return -1 if delta < 0 else 1


def timezone(name):
    if name in ('UTC', 'utc', 'Etc/UTC', 'GMT'):
        return _datetime.timezone.utc
    raise UserError("only UTC is available to code actions run by the sidecar, not %s" % name)


class Command(metaclass=_Frozen):
    # wrapped (_Call): a plain function would take attributes, which a later run would find
    CREATE, UPDATE, DELETE, UNLINK, LINK, CLEAR, SET = range(7)
    create = _Call(lambda values: (0, 0, values))
    update = _Call(lambda id, values: (1, id, values))
    delete = _Call(lambda id: (2, id, 0))
    unlink = _Call(lambda id: (3, id, 0))
    link = _Call(lambda id: (4, id, 0))
    clear = _Call(lambda: (5, 0, 0))
    set = _Call(lambda ids: (6, 0, list(ids)))


# ------------------------------------------------------------------ the RPC-backed ORM

def _encode(value):
    if isinstance(value, _Created):
        value = value._record()
    if isinstance(value, BaseModel):
        return value.ids if len(value._ids) != 1 else value._ids[0]
    if isinstance(value, _datetime.datetime):
        return value.strftime('%Y-%m-%d %H:%M:%S')
    if isinstance(value, _datetime.date):
        return value.strftime('%Y-%m-%d')
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    return value


# program -> {model: fields}: what an earlier run of the same code read, so that the next run's
# first read of a model asks for those fields rather than for every stored one
_LEARNED = {}


class Environment(metaclass=_Frozen):
    def __init__(self, rpc, uid, context, cache=None, fields=None, refs=None, calls=None, usage=None):
        self._rpc_call = rpc
        self.uid = uid
        self.context = dict(context or {})
        self._cache = cache if cache is not None else {}
        self._fields = fields if fields is not None else {}
        self._refs = refs if refs is not None else {}
        self._pending = []
        # {'learned': {model: fields} of an earlier run, 'used': {model: fields} read by this one}
        self._usage = usage if usage is not None else {'learned': {}, 'used': {}}

    def _learn(self, key):
        """Remembers what this run read, for the next run of the same code."""
        if len(_LEARNED) > 512:
            _LEARNED.clear()
        learned = {model: set(names) for model, names in self._usage['learned'].items()}
        for model, names in self._usage['used'].items():
            learned.setdefault(model, set()).update(names)
        _LEARNED[key] = learned

    def _recall(self, key):
        self._usage['learned'] = _LEARNED.get(key, {})

    def _flush(self):
        """Sends the deferred writes and creates, in order: consecutive writes of the same values on
        one model go as one write, consecutive creates on one model as one create."""
        while self._pending:
            if self._pending[0][0] == 'write':
                _, model, vals, ids = self._pending.pop(0)
                ids = list(ids)
                while self._pending and self._pending[0][0] == 'write' \
                        and self._pending[0][1] == model and self._pending[0][2] == vals:
                    ids.extend(i for i in self._pending.pop(0)[3] if i not in ids)
                self._rpc_now(model, 'write', [ids, vals])
                continue
            model = self._pending[0][1]
            run = []
            while self._pending and self._pending[0][0] == 'create' and self._pending[0][1] == model:
                run.append(self._pending.pop(0))
            ids = self._rpc_now(model, 'create', [[vals for _, _, vals, _ in run]])
            for (_, _, _, holder), id_ in zip(run, ids if isinstance(ids, list) else [ids]):
                holder._ids_box.append(id_)

    def _rpc(self, model, method, args, kwargs=None):
        self._flush()
        return self._rpc_now(model, method, args, kwargs)

    def _rpc_now(self, model, method, args, kwargs=None):
        kwargs = dict(kwargs or {})
        if self.context:
            kwargs['context'] = dict(self.context, **kwargs.get('context', {}))
        request = _json.dumps([model, method, _encode(list(args)), _encode(kwargs)])
        return _json.loads(self._rpc_call(request))

    def __getitem__(self, model):
        return BaseModel(self, model, ())

    def __call__(self, context=None):
        return Environment(self._rpc_call, self.uid, context if context is not None else self.context,
                           self._cache, self._fields, self._refs, usage=self._usage)

    def fields_of(self, model):
        if model not in self._fields:
            self._fields[model] = self._rpc(model, 'fields_get', [], {'attributes': ['type', 'relation', 'store']})
        return self._fields[model]

    def ref(self, xml_id, raise_if_not_found=True):
        if xml_id not in self._refs:
            module, _, name = xml_id.partition('.')
            rows = self._rpc('ir.model.data', 'search_read', [[('module', '=', module), ('name', '=', name)]],
                             {'fields': ['model', 'res_id'], 'limit': 1})
            self._refs[xml_id] = (rows[0]['model'], rows[0]['res_id']) if rows else None
        found = self._refs[xml_id]
        if found is None:
            if raise_if_not_found:
                raise ValueError('External ID not found in the system: %s' % xml_id)
            return None
        return BaseModel(self, found[0], (found[1],))

    @property
    def user(self):
        return BaseModel(self, 'res.users', (self.uid,))

    @property
    def company(self):
        return self.user.company_id

    @property
    def companies(self):
        return self.user.company_ids


# Attributes that reach the interpreter's internals (frames, code, globals, the class tree) without
# a leading underscore; with every name that starts with one (but a recordset's _name and _ids),
# code may not name them, nor reach them by name at run time (format strings, record['name']).
_UNSAFE_ATTRIBUTES = frozenset((
    'f_builtins', 'f_code', 'f_globals', 'f_locals', 'f_back', 'f_trace', 'f_lasti', 'func_code',
    'func_globals', 'func_closure', 'co_code', 'co_consts', 'co_names', 'mro', 'tb_frame', 'tb_next',
    'tb_lasti', 'gi_code', 'gi_frame', 'gi_yieldfrom', 'gi_running', 'cr_await', 'cr_code',
    'cr_frame', 'cr_origin', 'cr_running', 'ag_code', 'ag_frame', 'ag_await', 'ag_running',
    'with_traceback'))
# (and BJET's bj.api.sync method, which only the sidecar's bj.api.sync.config defines, and
# ir.cron's progress methods, which the sidecar's ir.cron answers)
_PUBLIC_PRIVATE = frozenset(('_name', '_ids', '_make_outbound_http_request', '_notify_progress',
                             '_commit_progress'))


def _unsafe(name):
    return (name.startswith('_') and name not in _PUBLIC_PRIVATE) or name in _UNSAFE_ATTRIBUTES


def _public(name):
    """The name, when code may reach an attribute by it."""
    if not isinstance(name, str) or _unsafe(name):
        raise AttributeError('access to %r is not allowed in a code action' % (name,))
    return name


_PREFETCH_SKIP = ('one2many', 'many2many', 'binary')


def _prefetched(fields, learned, name=None):
    """The fields a first read of a model asks for: every stored one (Odoo's prefetch), or those the
    same code read of it last time (and the one asked for now)."""
    return [f for f, meta in fields.items()
            if meta.get('store') and meta.get('type') not in _PREFETCH_SKIP
            and (not learned or f in learned or f == name)]


def _merge(cache, rows):
    """Rows read into the cache; a value already there stays (the record as the change left it, or
    as this code wrote it)."""
    for row in rows:
        entry = cache.setdefault(row['id'], {})
        for name, value in row.items():
            entry.setdefault(name, value)


def _ids_of(kind, value):
    if not value:
        return []
    if kind == 'many2one':
        return [value[0] if isinstance(value, list) else value]
    return list(value)


class BaseModel(metaclass=_Frozen):
    def __new__(cls, env, model, ids=(), prefetch=None):
        # bj.api.sync.config, however it is reached (env[...], browse, a relational field, a ref),
        # is the sidecar's: its records have _make_outbound_http_request
        # so is ir.cron's progress (_notify_progress, _commit_progress)
        if cls is BaseModel:
            cls = {_SYNC_MODEL: _SyncConfig, _CRON_MODEL: _Cron}.get(model, cls)
        return object.__new__(cls)

    def __init__(self, env, model, ids, prefetch=None):
        self.env = env
        self._name = model
        self._ids = tuple(ids)
        self._prefetch = prefetch if prefetch is not None else self._ids

    # --------------------------------------------------------------- recordset basics
    @property
    def ids(self):
        return list(self._ids)

    @property
    def id(self):
        if not self._ids:
            return False
        self.ensure_one()
        return self._ids[0]

    def __iter__(self):
        for id_ in self._ids:
            yield BaseModel(self.env, self._name, (id_,), self._prefetch)

    def __len__(self):
        return len(self._ids)

    def __bool__(self):
        return bool(self._ids)

    def __eq__(self, other):
        return isinstance(other, BaseModel) and other._name == self._name and set(other._ids) == set(self._ids)

    def __hash__(self):
        return hash((self._name, frozenset(self._ids)))

    def __contains__(self, item):
        return isinstance(item, BaseModel) and item._name == self._name and set(item._ids) <= set(self._ids)

    def __getitem__(self, key):
        if isinstance(key, str):
            return getattr(self, _public(key))
        if isinstance(key, slice):
            return BaseModel(self.env, self._name, self._ids[key], self._prefetch)
        return BaseModel(self.env, self._name, (self._ids[key],), self._prefetch)

    def __or__(self, other):
        return self.browse(list(dict.fromkeys(self._ids + other._ids)))

    def __and__(self, other):
        return self.browse([i for i in self._ids if i in other._ids])

    def __sub__(self, other):
        return self.browse([i for i in self._ids if i not in other._ids])

    def __repr__(self):
        return '%s%r' % (self._name, self._ids)

    def ensure_one(self):
        if len(self._ids) != 1:
            raise ValueError('Expected singleton: %r' % (self,))
        return self

    def browse(self, ids=()):
        if isinstance(ids, int):
            ids = (ids,)
        return BaseModel(self.env, self._name, tuple(ids or ()))

    def sudo(self, flag=True):
        return self  # the sidecar acts with its own Odoo user's rights

    def with_context(self, *args, **kwargs):
        context = dict(args[0]) if args else dict(self.env.context)
        context.update(kwargs)
        return BaseModel(self.env(context), self._name, self._ids, self._prefetch)

    def with_user(self, user):
        return self

    def with_company(self, company):
        return self

    # --------------------------------------------------------------- reading
    def _field(self, name):
        fields = self.env.fields_of(self._name)
        if name not in fields:
            raise AttributeError("'%s' object has no attribute '%s'" % (self._name, name))
        return fields[name]

    def _values(self, name):
        cache = self.env._cache.setdefault(self._name, {})
        missing = [i for i in self._ids if name not in cache.get(i, {})]
        if missing:
            field = self._field(name)
            fields = self.env.fields_of(self._name)
            wanted = [name]
            if field.get('type') not in _PREFETCH_SKIP:
                wanted = _prefetched(fields, self.env._usage['learned'].get(self._name), name)
            ids = [i for i in dict.fromkeys(tuple(self._prefetch) + tuple(missing))
                   if any(f not in cache.get(i, {}) for f in wanted)]
            _merge(cache, self.env._rpc(self._name, 'read', [ids, wanted], {'load': ''}))
        return cache

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)
        fields = self.env.fields_of(self._name)
        if name not in fields:
            raise AttributeError("'%s' object has no attribute '%s'" % (self._name, name))
        field = fields[name]
        self.env._usage['used'].setdefault(self._name, set()).add(name)
        cache = self._values(name)
        kind = field.get('type')
        if kind in ('many2one', 'one2many', 'many2many'):
            every = []
            for i in self._prefetch:
                every.extend(_ids_of(kind, cache.get(i, {}).get(name)))
            mine = []
            for i in self._ids:
                mine.extend(_ids_of(kind, cache.get(i, {}).get(name)))
            prefetch = tuple(dict.fromkeys(every))
            return BaseModel(self.env, field['relation'], tuple(dict.fromkeys(mine)), prefetch)
        if not self._ids:
            return False
        self.ensure_one()
        value = cache[self._ids[0]][name]
        if value is False or value is None:
            return False
        if kind == 'date':
            return _datetime.date.fromisoformat(value)
        if kind == 'datetime':
            return _datetime.datetime.strptime(value[:19], '%Y-%m-%d %H:%M:%S')
        return value

    def __setattr__(self, name, value):
        if name in ('env', '_name', '_ids', '_prefetch'):
            object.__setattr__(self, name, value)
        else:
            self.write({name: value})

    def read(self, fields=None, load='_classic_read'):
        return self.env._rpc(self._name, 'read', [list(self._ids), list(fields or [])], {'load': load})

    def mapped(self, path):
        if callable(path):
            return [path(r) for r in self]
        current = self
        for name in path.split('.'):
            if isinstance(current, BaseModel):
                field = current._field(_public(name))
                if field.get('type') in ('many2one', 'one2many', 'many2many'):
                    current = getattr(current, name)
                else:
                    current = [getattr(r, name) for r in current]
        return current

    def filtered(self, func):
        if isinstance(func, str):
            path = func
            func = lambda r: any(r.mapped(path)) if '.' in path else getattr(r, _public(path))
        return self.browse([r._ids[0] for r in self if func(r)])

    def filtered_domain(self, domain):
        if not self._ids:
            return self
        found = set(self.env._rpc(self._name, 'search', [[('id', 'in', list(self._ids))] + list(domain)],
                                  {'context': {'active_test': False}}))
        return self.browse([i for i in self._ids if i in found])

    def sorted(self, key=None, reverse=False):
        if key is None:
            ids = sorted(self._ids, reverse=reverse)
            return self.browse(ids)
        if isinstance(key, str):
            name = _public(key)
            key = lambda r: getattr(r, name)
        return self.browse([r._ids[0] for r in sorted(self, key=key, reverse=reverse)])

    def exists(self):
        if not self._ids:
            return self
        found = set(self.env._rpc(self._name, 'search', [[('id', 'in', list(self._ids))]],
                                  {'context': {'active_test': False}}))
        return self.browse([i for i in self._ids if i in found])

    # --------------------------------------------------------------- searching and writing
    def search(self, domain, offset=0, limit=None, order=None):
        kwargs = {'offset': offset}
        if limit:
            kwargs['limit'] = limit
        if order:
            kwargs['order'] = order
        learned = self.env._usage['learned'].get(self._name)
        if learned:
            # what the same code read of this model last time comes with the search: one call
            wanted = _prefetched(self.env.fields_of(self._name), learned)
            if wanted:
                rows = self.env._rpc(self._name, 'search_read', [list(domain)],
                                     dict(kwargs, fields=wanted, load=''))
                _merge(self.env._cache.setdefault(self._name, {}), rows)
                return self.browse([row['id'] for row in rows])
        return self.browse(self.env._rpc(self._name, 'search', [list(domain)], kwargs))

    def search_count(self, domain, limit=None):
        return self.env._rpc(self._name, 'search_count', [list(domain)])

    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None):
        kwargs = {'fields': list(fields or []), 'offset': offset}
        if limit:
            kwargs['limit'] = limit
        if order:
            kwargs['order'] = order
        return self.env._rpc(self._name, 'search_read', [list(domain or [])], kwargs)

    def create(self, values):
        if isinstance(values, list):
            ids = self.env._rpc(self._name, 'create', [values])
            return self.browse(ids if isinstance(ids, list) else [ids])
        # deferred until something needs it (its id, another call, the end of the action), so
        # that creates in a loop go to Odoo as one call
        holder = _Created(self.env, self._name)
        self.env._pending.append(('create', self._name, _encode(values), holder))
        return holder

    def write(self, values):
        # deferred until the next call or the end of the action, so that a loop writing the same
        # values record by record goes to Odoo as one write
        if self._ids:
            self.env._pending.append(('write', self._name, _encode(values), tuple(self._ids)))
            cache = self.env._cache.get(self._name, {})
            for i in self._ids:
                cache.pop(i, None)
        return True

    def unlink(self):
        if self._ids:
            self.env._rpc(self._name, 'unlink', [list(self._ids)])
        return True

    def copy(self, default=None):
        return self.browse(self.env._rpc(self._name, 'copy', [list(self._ids)], {'default': default or {}}))

    def message_post(self, **kwargs):
        self.env._rpc(self._name, 'message_post', [list(self._ids)], kwargs)
        return True

    def message_subscribe(self, partner_ids=None, **kwargs):
        self.env._rpc(self._name, 'message_subscribe', [list(self._ids)], dict(kwargs, partner_ids=partner_ids))
        return True

    def activity_schedule(self, act_type_xmlid='', date_deadline=None, summary='', note='', **values):
        kwargs = dict(values, act_type_xmlid=act_type_xmlid, summary=summary, note=note)
        if date_deadline:
            kwargs['date_deadline'] = date_deadline
        self.env._rpc(self._name, 'activity_schedule', [list(self._ids)], kwargs)
        return True

    def __call_method(self, method, *args, **kwargs):
        return self.env._rpc(self._name, method, [list(self._ids)] + list(args), kwargs)

    def call(self, method, *args, **kwargs):
        """Any other public method of the model, over RPC."""
        return self.__call_method(method, *args, **kwargs)


class _Created(metaclass=_Frozen):
    """A record whose creation is deferred; any use creates it first."""

    def __init__(self, env, model):
        self._env = env
        self._model = model
        self._ids_box = []

    def _record(self):
        if not self._ids_box:
            self._env._flush()
        return BaseModel(self._env, self._model, tuple(self._ids_box))

    def __getattr__(self, name):
        return getattr(self._record(), name)

    def __setattr__(self, name, value):
        if name in ('_env', '_model', '_ids_box'):
            object.__setattr__(self, name, value)
        else:
            setattr(self._record(), name, value)

    def __iter__(self):
        return iter(self._record())

    def __len__(self):
        return 1

    def __bool__(self):
        return True

    def __eq__(self, other):
        return self._record() == other

    def __hash__(self):
        return hash(self._record())

    def __getitem__(self, key):
        return self._record()[key]

    def __repr__(self):
        return repr(self._record())


# ------------------------------------------------------------------ ir.cron's progress, served by the sidecar
# env['ir.cron']._notify_progress(done=N, remaining=M) (Odoo 18) and
# env['ir.cron']._commit_progress(processed=N, remaining=M) (Odoo 19) tell the sidecar's runner of
# scheduled actions how much is left (CronProgress in Java): it runs the action again while work
# remains. They never reach Odoo; outside a scheduled run they do nothing, as Odoo's outside a cron.

_CRON_MODEL = 'ir.cron'


def _count(name, value, optional=False):
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError('`%s` must be a positive integer, not %r' % (name, value))
    return value


class _Cron(BaseModel):
    """ir.cron as code actions see it: a model over RPC, with the progress methods of a run."""

    def _notify_progress(self, *, done, remaining, deactivate=False):
        self.env._rpc(_CRON_MODEL, '_notify_progress', [],
                      {'done': _count('done', done), 'remaining': _count('remaining', remaining),
                       'deactivate': bool(deactivate)})

    def _commit_progress(self, processed=0, *, remaining=None, deactivate=False):
        answer = self.env._rpc(_CRON_MODEL, '_commit_progress', [],
                               {'processed': _count('processed', processed),
                                'remaining': _count('remaining', remaining, optional=True),
                                'deactivate': bool(deactivate)})
        return answer['time_left']


# ------------------------------------------------------------------ BJET's bj.api.sync, served by the sidecar
# env['bj.api.sync.config']._make_outbound_http_request(record_ids=records, config_id_ref='customers')
# or (records, ref, timeout=60) sends the records through the sidecar's outbound sync (OutboundSync
# in Java), whether the module is installed in Odoo or not; the model's other methods and fields
# are Odoo's, over RPC, as any model's. It answers {record id: {'success': bool, 'status_code': int,
# 'response': the decoded JSON answer or its text, 'error': why not or None}}.

_SYNC_MODEL = 'bj.api.sync.config'


def _sync_records(value):
    """(model or None, ids) of what code gave as record_ids: a recordset, one id, or a list of ids
    or records; the model is None for bare ids (the sync config's model is theirs)."""
    if isinstance(value, _Created):
        value = value._record()
    if isinstance(value, BaseModel):
        return value._name, list(value._ids)
    if value is None or value is False:
        return None, []
    if isinstance(value, int) and not isinstance(value, bool):
        return None, [value]
    if isinstance(value, (list, tuple, set, frozenset)):
        models, ids = set(), []
        for item in value:
            if isinstance(item, (BaseModel, _Created)) or (isinstance(item, int) and not isinstance(item, bool)):
                model, found = _sync_records(item)
                models.add(model)
                ids.extend(found)
            else:
                raise TypeError('record_ids: records or ids, not %r' % (item,))
        if len(models) > 1:
            raise TypeError('record_ids: records of one model, or ids, not a mix')
        return (models.pop() if models else None), ids
    raise TypeError('record_ids: a recordset, a record id or a list of ids, not %r' % (value,))


def _sync_config_ref(config, ref):
    """The config as code named it (a name, an id, an external id, a config record), or the config
    the method is called on."""
    if isinstance(ref, _Created):
        ref = ref._record()
    if isinstance(ref, BaseModel):
        if ref._name != _SYNC_MODEL:
            raise TypeError('config_id_ref: a %s record, not %r' % (_SYNC_MODEL, ref))
        ref = ref.id
    if ref is None or ref is False:
        if len(config._ids) != 1:
            raise UserError('%s._make_outbound_http_request: config_id_ref is needed (the sync '
                            "config's name, id or external id)" % _SYNC_MODEL)
        return config._ids[0]
    if isinstance(ref, bool) or not isinstance(ref, (int, str)):
        raise TypeError("config_id_ref: the sync config's name, id or external id, not %r" % (ref,))
    return ref


def _sync_timeout(timeout):
    """Seconds (requests' form: a number, or a (connect, read) pair, of which the longer), or None."""
    if timeout is None:
        return None
    values = list(timeout) if isinstance(timeout, (list, tuple)) else [timeout]
    if not values or any(isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0 for v in values):
        raise TypeError('timeout: a number of seconds, not %r' % (timeout,))
    return max(values)


class _SyncAnswer(dict, metaclass=_Frozen):
    """One record's answer: a dict whose keys also read as attributes (answer.status_code), as a
    requests response's would."""
    __slots__ = ()

    def __getattr__(self, name):
        if name in self:
            return self[name]
        raise AttributeError(name)


class _SyncResult(dict, metaclass=_Frozen):
    """{record id: _SyncAnswer}. With one record, its answer's keys read as attributes of the whole
    (result.status_code), as BJET's examples read the answer of one record's call."""
    __slots__ = ()

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)
        if len(self) != 1:
            raise AttributeError("'%s' of the answer for %d records: read it per record, answer[id].%s"
                                 % (name, len(self), name))
        return getattr(next(iter(self.values())), name)


class _SyncConfig(BaseModel):
    """bj.api.sync.config as code actions see it: a model over RPC, with BJET's outbound call."""

    def _make_outbound_http_request(self, record_ids=None, config_id_ref=None, timeout=None):
        model, ids = _sync_records(record_ids)
        ref = _sync_config_ref(self, config_id_ref)
        seconds = _sync_timeout(timeout)
        result = _SyncResult()
        if not ids:
            return result
        # through the env's calls: the writes the code deferred reach Odoo before the sync reads
        answer = self.env._rpc(_SYNC_MODEL, '_make_outbound_http_request', [],
                               {'model': model, 'ids': ids, 'config_id_ref': ref, 'timeout': seconds})
        if 'error' in answer:
            raise UserError(answer['error'])
        for row in answer['records']:
            result[row['id']] = _SyncAnswer(success=row['success'], status_code=row['status_code'],
                                            response=row['response'], error=row['error'])
        return result


# ------------------------------------------------------------------ the sandbox

_SAFE_BUILTINS = {name: __builtins__[name] if isinstance(__builtins__, dict) else getattr(__builtins__, name)
                  for name in ('abs', 'all', 'any', 'bool', 'bytes', 'chr', 'dict', 'divmod', 'enumerate',
                               'filter', 'float', 'format', 'frozenset', 'int', 'isinstance', 'issubclass',
                               'len', 'list', 'map', 'max', 'min', 'next', 'ord', 'pow', 'range', 'repr',
                               'reversed', 'round', 'set', 'slice', 'sorted', 'str', 'sum', 'tuple', 'zip',
                               'Exception', 'ValueError', 'TypeError', 'KeyError', 'IndexError',
                               'ZeroDivisionError', 'AttributeError', 'StopIteration', 'NotImplementedError',
                               'True', 'False', 'None')}


# Builtins a code action may not name (Odoo's safe_eval does not offer them): reaching objects'
# internals, evaluating text, the file system, the interpreter. None of them is in _SAFE_BUILTINS
# either: naming one is refused before the code runs, reaching one another way finds nothing.
_FORBIDDEN = frozenset((
    'open', 'eval', 'exec', 'compile', 'getattr', 'setattr', 'delattr', 'globals', 'locals', 'vars',
    'dir', 'breakpoint', 'input', 'help', 'memoryview', 'type', 'object', 'super', 'classmethod',
    'staticmethod', 'property', 'exit', 'quit', 'print', 'copyright', 'credits', 'license',
    'BaseException', 'SystemExit', 'KeyboardInterrupt', 'GeneratorExit', 'polyglot'))

# The name the code's .format and .format_map go through (a dunder: code cannot name it itself).
_GUARD = '__sidecar_attr__'


def _check_format(text, depth=0):
    """Refuses a format string whose fields walk to an attribute or key code may not reach."""
    if depth > 2:
        raise ValueError('Max string recursion exceeded')
    for _, field, spec, _ in _cstring.formatter_parser(text):
        if field:
            first, rest = _cstring.formatter_field_name_split(field)
            for _, key in rest:
                if isinstance(key, str) and _unsafe(key):
                    raise AttributeError('access to %r is not allowed in a code action' % key)
        if spec:
            _check_format(spec, depth + 1)


def _format(text, *args, **kwargs):
    _check_format(text)
    return str.format(text, *args, **kwargs)


def _format_map(text, mapping):
    _check_format(text)
    return str.format_map(text, mapping)


# str.format as code gets it: shared by every run, so wrapped (no attribute can be set on it)
_FORMATS = {'format': _Call(_format), 'format_map': _Call(_format_map)}


def _attribute(value, name):
    """value.format or value.format_map, as the code wrote it: checked when value is a string."""
    if name not in ('format', 'format_map'):
        raise AttributeError('access to %r is not allowed in a code action' % (name,))
    method = _FORMATS[name]
    if value is str:
        return method
    if isinstance(value, str):
        return lambda *args, **kwargs: method(value, *args, **kwargs)
    return getattr(value, name)


try:
    from unicodedata import normalize as _normalize

    def _nfkc(text):
        """The text as the parser reads its names: .\uff46ormat (a fullwidth f) is .format."""
        return text if text.isascii() else _normalize('NFKC', text)
except ImportError:  # no shortcut then: every code is rewritten
    def _nfkc(text):
        return text if text.isascii() else 'format'


def _guard_formats(code, tree):
    """The code's text with every value.format (and format_map) read through _attribute: a format
    string is only known at run time, and it walks attributes the check cannot see."""
    if 'format' not in _nfkc(code):
        return code
    inside = set()
    for node in _ast.walk(tree):
        if isinstance(node, _ast.JoinedStr):
            inside.update(id(n) for n in _ast.walk(node) if n is not node)
    data = code.encode('utf-8')
    starts = [0]
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    at = lambda line, col: starts[line - 1] + col
    edits = []
    for node in _ast.walk(tree):
        if isinstance(node, _ast.Attribute) and node.attr in ('format', 'format_map') \
                and isinstance(node.ctx, _ast.Load):
            if id(node) in inside:
                raise SyntaxError('.%s inside an f-string is not allowed in a code action (line %d)'
                                  % (node.attr, node.lineno))
            end = at(node.end_lineno, node.end_col_offset)
            dot = data.rfind(b'.', at(node.value.end_lineno, node.value.end_col_offset), end)
            if dot < 0 or _nfkc(data[dot + 1:end].decode('utf-8')).strip() != node.attr:
                raise SyntaxError('write .%s right after its value in a code action (line %d)'
                                  % (node.attr, node.lineno))
            breaks = data[dot:end].count(b'\n')
            edits.append((dot, end, (", '%s'" % node.attr).encode() + b'\n' * breaks + b')'))
            start = at(node.lineno, node.col_offset)
            edits.append((start, start, (_GUARD + '(').encode()))
    for start, end, text in sorted(edits, key=lambda e: e[0], reverse=True):
        data = data[:start] + text + data[end:]
    return data.decode('utf-8')


def _check(code, mode='exec'):
    tree = _ast.parse(code, '<action>', mode)
    for node in _ast.walk(tree):
        line = getattr(node, 'lineno', 0)
        if isinstance(node, (_ast.Import, _ast.ImportFrom)):
            raise SyntaxError('import is not allowed in a code action (line %d)' % line)
        if isinstance(node, (_ast.Global, _ast.Nonlocal)):
            raise SyntaxError('global and nonlocal are not allowed in a code action (line %d)' % line)
        # names as a parser that normalises them (NFKC, as CPython's does) would look them up
        for name in (getattr(node, 'id', None), getattr(node, 'name', None), getattr(node, 'arg', None)):
            if isinstance(name, str) and _nfkc(name).startswith('__'):
                raise NameError('access to %s is not allowed in a code action (line %d)' % (name, line))
        if isinstance(node, _ast.Attribute) and _unsafe(_nfkc(node.attr)):
            raise NameError('access to %s is not allowed in a code action (line %d)' % (node.attr, line))
        # a class pattern reads its keywords as attributes of the matched value, and a mapping
        # pattern's rest binds a name, as an attribute or a name would
        for name in getattr(node, 'kwd_attrs', None) or ():
            if _unsafe(_nfkc(name)):
                raise NameError('access to %s is not allowed in a code action (line %d)' % (name, line))
        rest = getattr(node, 'rest', None)
        if isinstance(rest, str) and rest.startswith('__'):
            raise NameError('access to %s is not allowed in a code action (line %d)' % (rest, line))
        if isinstance(node, _ast.Name) and _nfkc(node.id) in _FORBIDDEN:
            raise NameError("name '%s' is not allowed in a code action (line %d)" % (node.id, line))
    # compiled from the text, not the tree: the statement limit counts statements with a source
    return compile(_guard_formats(code, tree), '<action>', mode)


# GraalPy defines the datetime classes in Python, and they stay writable: what an execution set on
# them is put back once it ends (a check of a few dicts when nothing changed).
_WRITABLE = (_datetime.datetime, _datetime.date, _datetime.time, _datetime.timedelta,
             _datetime.timezone, _datetime.tzinfo)
_PRISTINE = tuple((cls, dict(cls.__dict__), tuple(cls.__dict__.values())) for cls in _WRITABLE)
_ABSENT = object()
# their methods are Python functions there, which take attributes: put back as well
_FUNCTIONS = tuple((f.__dict__, dict(f.__dict__)) for _, pristine, _ in _PRISTINE
                   for f in pristine.values() if isinstance(f, type(_check)))
_FUNCTION_DICTS = tuple(now for now, _ in _FUNCTIONS)
# code can only add to them (their own names, if any, start with _, which code cannot set): a
# change shows in their sizes, which is all that is compared when nothing changed
_FUNCTION_SIZES = tuple(len(now) for now in _FUNCTION_DICTS)


def _restore():
    if tuple(map(len, _FUNCTION_DICTS)) != _FUNCTION_SIZES:
        for now, pristine in _FUNCTIONS:
            if len(now) != len(pristine) or any(now.get(k, _ABSENT) is not v for k, v in pristine.items()):
                now.clear()
                now.update(pristine)
    for cls, pristine, values in _PRISTINE:
        now = cls.__dict__
        if len(now) == len(values) and all(map(_is, now.values(), values)):
            continue
        for name in [k for k in now if k not in pristine]:
            delattr(cls, name)
        for name, value in pristine.items():
            if now.get(name, _ABSENT) is not value:
                setattr(cls, name, value)


class _Refused(metaclass=_Frozen):
    """A builtin a code action is not given, in its namespace in case the interpreter looks in its
    own builtins rather than in the namespace's: using it fails as an unknown name would."""
    __slots__ = ('_name',)

    def __init__(self, name):
        object.__setattr__(self, '_name', name)

    def __call__(self, *args, **kwargs):
        raise NameError("name '%s' is not allowed in a code action" % self._name)

    def __getattr__(self, attribute):
        raise NameError("name '%s' is not allowed in a code action" % self._name)

    def __setattr__(self, name, value):
        raise NameError("name '%s' is not allowed in a code action" % self._name)

    def __repr__(self):
        return '<not allowed: %s>' % self._name


import builtins as _builtins  # noqa: E402 - only to list the names not given

# GraalPy looks names up in its own builtins, whatever the namespace's __builtins__ says: every
# builtin but the safe ones (and the class statement's) is hidden by a refusal in the namespace.
_HIDDEN = {name: _Refused(name) for name in dir(_builtins)
           if name not in _SAFE_BUILTINS and name != '__build_class__'
           and (not name.startswith('__') or name == '__import__')}
del _builtins

_DATETIME = _Namespace(datetime=_datetime.datetime, date=_datetime.date, time=_datetime.time,
                       timedelta=_datetime.timedelta, timezone=_datetime.timezone,
                       tzinfo=_datetime.tzinfo, MINYEAR=_datetime.MINYEAR, MAXYEAR=_datetime.MAXYEAR)
_TIME = _Namespace(time=_Call(_time.time), strftime=_Call(_time.strftime), gmtime=_Call(_time.gmtime))
_SHARED = {
    'datetime': _DATETIME, 'dateutil': dateutil, 'relativedelta': relativedelta,
    'timezone': _Call(timezone), 'float_compare': _Call(float_compare),
    'b64encode': _Call(_base64.b64encode), 'b64decode': _Call(_base64.b64decode),
    'Command': Command, 'time': _TIME,
    'UserError': UserError, 'Warning': Warning, 'ValidationError': ValidationError,
    _GUARD: _attribute,
}


def _namespace(env, model_name, records, uid):
    """A fresh namespace of one execution: its own builtins, its own env, the shared read-only
    helpers."""
    namespace = dict(_HIDDEN)
    namespace.update(_SHARED)
    namespace.update({
        '__builtins__': dict(_SAFE_BUILTINS),
        'env': env, 'model': env[model_name], 'records': records, 'record': records[:1],
        'uid': uid, 'user': env.user,
    })
    return namespace


_compiled = {}


def _seed(env, model_name, known_json):
    """Takes what the sidecar already knows of the records (their values as the change left them,
    in read(load='') form) as read: a field among them costs no call to Odoo."""
    if not known_json:
        return
    cache = env._cache.setdefault(model_name, {})
    for id_, values in _json.loads(known_json).items():
        cache.setdefault(int(id_), {}).update(values)


class _Logger(metaclass=_Frozen):
    """The _logger of a code action: its messages go to the execution's log."""
    __slots__ = ('_log',)

    def __init__(self, log):
        object.__setattr__(self, '_log', log)

    def __setattr__(self, name, value):
        raise TypeError("cannot set '%s' of _logger in a code action" % name)

    def info(self, msg, *args):
        self._log('info', msg % args if args else msg)

    def warning(self, msg, *args):
        self._log('warning', msg % args if args else msg)

    def error(self, msg, *args):
        self._log('error', msg % args if args else msg)

    def debug(self, msg, *args):
        pass

    exception = error


def run(code, rpc, uid, context_json, model_name, ids_json, known_json, log_sink):
    """Runs one code action; returns the JSON of the 'action' it set, or 'null'."""
    program = _compiled.get(code)
    if program is None:
        program = _check(code)
        if len(_compiled) > 512:
            _compiled.clear()
        _compiled[code] = program
    env = Environment(rpc, uid, _json.loads(context_json))
    env._recall(code)
    _seed(env, model_name, known_json)
    ids = _json.loads(ids_json)
    records = BaseModel(env, model_name, ids)

    def log(message, level='info'):
        log_sink(str(level), str(message))

    namespace = _namespace(env, model_name, records, uid)
    namespace.update({'log': _Call(log), '_logger': _Logger(log)})
    try:
        exec(program, namespace)
    finally:
        _restore()
    env._flush()
    env._learn(code)
    return _json.dumps(_encode(namespace.get('action')), default=str)


def evaluate(expression, rpc, uid, context_json, model_name, ids_json, known_json=None,
             variables_json=None):
    """Evaluates an update's Python expression for each record: the JSON of {id: value}.
    variables_json: more names by record id (JSON values), none of them a private name."""
    key = ('eval', expression)
    program = _compiled.get(key)
    if program is None:
        program = _check(expression, 'eval')
        if len(_compiled) > 512:
            _compiled.clear()
        _compiled[key] = program
    env = Environment(rpc, uid, _json.loads(context_json))
    env._recall(key)
    _seed(env, model_name, known_json)
    records = BaseModel(env, model_name, _json.loads(ids_json))
    out = {}
    base = _namespace(env, model_name, records, uid)
    variables = _json.loads(variables_json) if variables_json else {}
    try:
        for record in records:
            namespace = dict(base, record=record, __builtins__=dict(_SAFE_BUILTINS))
            for name, value in variables.get(str(record.id), {}).items():
                if not name.startswith('_'):
                    namespace[name] = value
            out[str(record.id)] = _encode(eval(program, namespace))
    finally:
        _restore()
    env._learn(key)
    return _json.dumps(out, default=str)


def check(code, mode):
    """What the sandbox refuses in code ('exec') or an expression ('eval'), as 'line N: problem',
    or '' when it compiles and passes: for the rule files, when they are loaded."""
    try:
        _check(code, mode)
        return ''
    except (ValueError, TypeError, RecursionError, MemoryError, OverflowError) as e:
        return 'cannot be compiled: %s' % (str(e) or type(e).__name__)  # a NUL byte, deep nesting
    except (SyntaxError, NameError) as e:
        message = getattr(e, 'msg', None) or str(e)
        line = getattr(e, 'lineno', None)
        found = _re.search(r' \(line (\d+)\)$', message)
        if found:
            line = int(found.group(1))
            message = message[:found.start()]
        return ('line %d: %s' % (line, message)) if line else message
