{
    'name': 'Sidecar Bridge',
    'summary': 'Push record changes to odoo-sidecar through a transactional outbox; run automation rules in the sidecar',
    'version': '1.0.0',
    'category': 'Hidden/Tools',
    'author': 'odoo-sidecar',
    'license': 'LGPL-3',
    'depends': ['base', 'mail', 'base_automation'],
    'data': [
        'security/ir.model.access.csv',
        'data/ir_cron.xml',
        'views/base_automation_views.xml',
        'views/ir_cron_views.xml',
        'views/sidecar_outbox_views.xml',
        'views/sidecar_status_views.xml',
    ],
    'installable': True,
    'application': False,
}
