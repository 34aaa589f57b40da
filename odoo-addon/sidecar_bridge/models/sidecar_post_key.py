"""The keys under which the sidecar posted messages and queued emails: a run of its actions done
again (the sidecar stopped after Odoo committed a post, before it wrote down that the post was
made) finds the post made the first time instead of making a second one.

The sidecar gives the key in the context of the call (CONTEXT_KEY): a string, the key of the
posts on every record the call posts on, or a dict {record id as text: key} when one call posts on
several records each with its own (a composer in comment mode). A key is unique per record
(key, model, res_id): the row is claimed before the post and in its transaction, so a post rolled
back leaves no key and a committed one always leaves its key; a second post with the same key
waits for the first transaction (the unique index), then finds its row, or posts if the first was
rolled back. Keys are dropped after KEEP_DAYS by Odoo's daily autovacuum.
"""
from odoo import api, fields, models

CONTEXT_KEY = 'sidecar_post_key'
KEEP_DAYS = 30
MAX_KEY = 255

_CLAIM = """
    INSERT INTO sidecar_post_key (key, model, res_id, posted_at)
    VALUES (%s, %s, %s, now() AT TIME ZONE 'UTC')
    ON CONFLICT (key, model, res_id) DO NOTHING
    RETURNING id
"""
_FOUND = "SELECT id, message_id, mail_id FROM sidecar_post_key WHERE key = %s AND model = %s AND res_id = %s"


def post_key(context, res_id):
    """The key the context gives for a post on the record res_id, or None."""
    key = context.get(CONTEXT_KEY)
    if isinstance(key, dict):
        key = key.get(str(res_id))
    if not isinstance(key, str) or not key:
        return None
    if len(key) > MAX_KEY:
        raise ValueError('%s is longer than %d characters' % (CONTEXT_KEY, MAX_KEY))
    return key


class SidecarPostKey(models.Model):
    _name = 'sidecar.post.key'
    _description = 'Sidecar message post key'
    _log_access = False
    _order = 'id'

    key = fields.Char(required=True, help="The sidecar's idempotency key of the post")
    model = fields.Char(required=True)
    res_id = fields.Integer(required=True)
    message_id = fields.Integer(help='The mail.message posted (kept as a number: it may be deleted later)')
    mail_id = fields.Integer(help='The mail.mail queued by a template (deleted once sent, by default)')
    posted_at = fields.Datetime(required=True, index=True)

    def init(self):
        # the claim's ON CONFLICT needs exactly this index; made here rather than with a constraint,
        # whose declaration differs between Odoo 17/18 and 19
        self.env.cr.execute(
            'CREATE UNIQUE INDEX IF NOT EXISTS sidecar_post_key_unique ON sidecar_post_key (key, model, res_id)')

    @api.model
    def _claim(self, key, model, res_id):
        """Claims the key for a post on the record in the current transaction: None when it is this
        transaction's to post (the caller then posts and calls _posted), else the row of the post
        made under the key before ({'message_id': ..., 'mail_id': ...}).

        A claim of the same key in a concurrent transaction makes this one wait: once that one
        commits, Odoo's serialization failure (repeatable read) has the request tried again, and
        the next try finds the row; once it rolls back, this claim is made."""
        for _try in range(2):
            self.env.cr.execute(_CLAIM, (key, model, res_id))
            if self.env.cr.fetchone():
                return None
            self.env.cr.execute(_FOUND, (key, model, res_id))
            row = self.env.cr.dictfetchone()
            if row:
                return row
            # the row went between the two statements (the autovacuum dropped it): claim again
        raise RuntimeError('sidecar post key %s on %s %s could not be claimed' % (key, model, res_id))

    @api.model
    def _posted(self, key, model, res_id, message_id=None, mail_id=None):
        """Writes down what the post made under a key this transaction claimed."""
        self.env.cr.execute(
            'UPDATE sidecar_post_key SET message_id = %s, mail_id = %s WHERE key = %s AND model = %s AND res_id = %s',
            (message_id or None, mail_id or None, key, model, res_id))

    @api.autovacuum
    def _gc_keys(self):
        """Drops the keys older than KEEP_DAYS: a run of the sidecar's actions repeated later posts again."""
        self.env.cr.execute(
            "DELETE FROM sidecar_post_key WHERE posted_at < (now() AT TIME ZONE 'UTC') - %s * interval '1 day'",
            (KEEP_DAYS,))
