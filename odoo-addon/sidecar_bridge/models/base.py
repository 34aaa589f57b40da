"""Records create, write and unlink of the watched models in the outbox, in the same transaction."""
from odoo import api, models

from .sidecar_outbox import watch_list

# what "*" in a watch list's unlink_fields leaves out: files (the pushed form of a file is not
# read's, and one can weigh megabytes) and one2many (the other records' side of a relation, which
# the deletion itself cascades or empties); fields no one may read (groups '.', as hashes of
# secrets) are never taken by "*"
SNAPSHOT_SKIPPED = ('binary', 'one2many')
NO_ACCESS = '.'


class Base(models.AbstractModel):
    _inherit = 'base'

    def _sidecar_watch(self, operation):
        if self._name.startswith('sidecar.') or self.env.context.get('sidecar_bridge_skip'):
            return None
        spec = watch_list(self.env).get(self._name)
        if not spec or operation not in spec.get('operations', ()):
            return None
        return spec

    def _sidecar_values(self, names):
        """{id: {field: value}} of the fields named, in read(load=None)'s form."""
        names = [f for f in names if f in self._fields]
        if not names:
            return {}
        # read's format, from the cache where the values are: before a write, the first field
        # asked prefetches the record's columns for the write's own reads that follow (tracking,
        # the model's overrides); after it, the values written are taken as they are
        rows = self.sudo().with_context(active_test=False)._read_format(names, load=None)
        return {str(row['id']): {f: row[f] for f in names} for row in rows}

    def _sidecar_old_values(self, spec):
        return self._sidecar_values(spec.get('old_fields', ()))

    def _sidecar_unlink_fields(self, spec):
        """The fields the sidecar's deletion actions need (the watch list's unlink_fields): the
        names listed that the model has, and with "*" every stored field but files and one2many."""
        wanted = spec.get('unlink_fields') or ()
        if isinstance(wanted, str):
            wanted = [wanted]
        names = {f for f in wanted if f in self._fields and f != 'id'}
        if '*' in wanted:
            names.update(name for name, field in self._fields.items()
                         if field.store and field.type not in SNAPSHOT_SKIPPED and name != 'id'
                         and field.groups != NO_ACCESS)
        return sorted(names)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        spec = records._sidecar_watch('create') if records else None
        if spec:
            dates = {str(r.id): r.write_date for r in records} if 'write_date' in records._fields else {}
            self.env['sidecar.outbox']._record(records._name, 'create', records.ids, write_dates=dates)
        return records

    def write(self, vals):
        spec = self._sidecar_watch('write') if self else None
        old = self._sidecar_old_values(spec) if spec else None
        result = super().write(vals)
        if spec:
            dates = {str(r.id): r.write_date for r in self} if 'write_date' in self._fields else {}
            # the values after this write too: the sidecar matches each change as it was, not as
            # the record is when it gets to it
            new = self._sidecar_old_values(spec)
            self.env['sidecar.outbox']._record(
                self._name, 'write', self.ids, field_names=list(vals), old_values=old,
                write_dates=dates, new_values=new)
        return result

    def unlink(self):
        spec = self._sidecar_watch('unlink') if self else None
        old = self._sidecar_old_values(spec) if spec else None
        # what the deletion's actions read of the records, taken while they exist: the row is in
        # this transaction, so a deletion rolled back leaves neither the row nor these values
        snapshot = self._sidecar_values(self._sidecar_unlink_fields(spec)) if spec else None
        ids = self.ids
        name = self._name
        result = super().unlink()
        if spec:
            self.env['sidecar.outbox']._record(name, 'unlink', ids, old_values=old, snapshot=snapshot)
        return result
