"""Installs or updates the sidecar_bridge addon on the Odoo given by ODOO_URL, ODOO_DB, ODOO_USER,
ODOO_PASSWORD (the addon must be on that Odoo's addons path, as scripts/dev-odoo puts it)."""
import os, xmlrpc.client
url, db = os.environ['ODOO_URL'], os.environ.get('ODOO_DB', 'odoo')
login, password = os.environ.get('ODOO_USER', 'admin'), os.environ['ODOO_PASSWORD']
uid = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/common').authenticate(db, login, password, {})
models = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/object', allow_none=True)
call = lambda *a, **k: models.execute_kw(db, uid, password, *a, **k)
call('ir.module.module', 'update_list', [])
mod = call('ir.module.module', 'search_read', [[('name', '=', 'sidecar_bridge')]], {'fields': ['state']})
if not mod:
    raise SystemExit('install_addon: sidecar_bridge is not on the addons path of ' + url)
button = 'button_immediate_upgrade' if mod[0]['state'] == 'installed' else 'button_immediate_install'
call('ir.module.module', button, [[mod[0]['id']]])
print('install_addon: sidecar_bridge %s' % ('updated' if button.endswith('upgrade') else 'installed'))
