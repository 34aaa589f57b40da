from . import sidecar_outbox
from . import sidecar_post_key
from . import base
from . import mail_thread
from . import mail_template
from . import base_automation
from . import sidecar_status
from . import ir_cron
