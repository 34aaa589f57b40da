"""The sidecar's URLs: ``sidecar_bridge.url`` may name several instances of the sidecar (separated by
commas and/or whitespace), and a call goes to the first that answers.

An instance that refuses the connection, does not answer in time, answers with a server error
(HTTP 5xx, an XML-RPC transport or system fault) or with something that is not XML-RPC is passed
over for the next one: another instance may well take what this one could not. A refusal by a
sidecar (authentication, validation: an HTTP 4xx or an XML-RPC fault of the sidecar's own) is its
verdict on the call, which another instance would give too: it ends the call, passed on to no other.

The URL that last answered is tried first the next time, per database and per worker process, so
that an instance away costs its time-out once rather than on every call.
"""
import http.client
import logging
import re
import xmlrpc.client
from xml.parsers.expat import ExpatError

_logger = logging.getLogger(__name__)

PARAM_URL = 'sidecar_bridge.url'

# XML-RPC faults (the interoperability codes) that say the server could not handle the call
_SERVER_FAULTS = frozenset({
    xmlrpc.client.TRANSPORT_ERROR, xmlrpc.client.SYSTEM_ERROR, xmlrpc.client.INTERNAL_ERROR})
# HTTP statuses below 500 that speak of this instance's state, not of the call: too slow, too busy
_BUSY_STATUSES = frozenset({408, 429})

_LAST = {}  # database -> the URL that answered last, in this process


class BadUrl(ValueError):
    """An entry of the parameter that is not an http:// or https:// URL (no call is made to it)."""

    def __init__(self, url):
        super().__init__('%s: %r is not an http:// or https:// URL' % (PARAM_URL, url))


class NoneAnswered(Exception):
    """No URL of several answered the call; ``failures`` is [(url, exception)] in the order tried."""

    def __init__(self, failures):
        self.failures = failures
        super().__init__('no sidecar answered: ' + '; '.join('%s: %s' % (url, e) for url, e in failures))


def parse(raw):
    """The base URLs of the parameter's value, in its order, without a trailing slash, each once."""
    urls = [url.rstrip('/') for url in re.split(r'[\s,]+', raw or '') if url.rstrip('/')]
    return list(dict.fromkeys(urls))


def ordered(dbname, urls):
    """The URLs in the order to try them: the one that answered last first, then the others."""
    last = _LAST.get(dbname)
    if last not in urls:
        return list(urls)
    return [last] + [url for url in urls if url != last]


def forget():
    """Forgets which URLs answered (as a new process would)."""
    _LAST.clear()


def passes_on(error):
    """Whether the call may be tried at the next URL after this failure."""
    if isinstance(error, xmlrpc.client.ProtocolError):
        return error.errcode >= 500 or error.errcode in _BUSY_STATUSES
    if isinstance(error, xmlrpc.client.Fault):
        return error.faultCode in _SERVER_FAULTS
    # refused, reset, timed out, unknown host, TLS; an answer that is not HTTP, or not XML-RPC
    return isinstance(error, (OSError, http.client.HTTPException, ExpatError, xmlrpc.client.ResponseError,
                              BadUrl))


def answered(error):
    """Whether the failure is an answer of the server (it is up, whatever it said)."""
    return isinstance(error, (xmlrpc.client.ProtocolError, xmlrpc.client.Fault))


def classify(error):
    """(passes_on, answered) of a failure: the default of first_answer."""
    return passes_on(error), answered(error)


def first_answer(dbname, urls, call, classify=classify):
    """call(url) at each URL in turn until one answers; returns (url, answer).

    A failure classify says does not pass on is raised at once. When every URL failed, the only
    failure is raised as it is when there was one URL; with several, NoneAnswered."""
    failures = []
    for url in ordered(dbname, urls):
        if not url.startswith(('http://', 'https://')):
            failures.append((url, BadUrl(url)))
            continue
        try:
            answer = call(url)
        except Exception as e:  # noqa: BLE001 - classified below, raised again unless passed on
            go_on, up = classify(e)
            if up:
                _LAST[dbname] = url
            if not go_on:
                raise
            failures.append((url, e))
            if len(urls) > 1:
                _logger.info('sidecar_bridge: %s did not take the call (%s); trying the next URL', url, e)
            continue
        _LAST[dbname] = url
        return url, answer
    if len(failures) == 1:
        raise failures[0][1]
    raise NoneAnswered(failures)


class _Timed:
    """A transport whose connections wait at most ``timeout`` seconds for each step."""

    def __init__(self, timeout):
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


class _TimedTransport(_Timed, xmlrpc.client.Transport):
    pass


class _TimedSafeTransport(_Timed, xmlrpc.client.SafeTransport):
    pass


def proxy(url, service, timeout):
    """The XML-RPC proxy of service (common, object) at the base URL, over TLS for https."""
    transport = (_TimedSafeTransport if url.startswith('https:') else _TimedTransport)(timeout)
    return xmlrpc.client.ServerProxy('%s/xmlrpc/2/%s' % (url, service), allow_none=True, transport=transport)
