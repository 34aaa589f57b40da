from . import sidecar_outbox
from . import base
from . import mail_thread
from . import base_automation
from . import sidecar_status
from . import ir_cron
