from . import test_outbox
from . import test_ir_cron
from . import test_status
from . import test_urls
from . import test_post_keys
