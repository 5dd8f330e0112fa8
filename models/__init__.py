from . import posting_mixin  # before the models that inherit it
from . import account_move
from . import analytic_line
from . import cache_mixin
from . import connector
from . import connector_secret
from . import cost_code
from . import inbound_job
from . import inbound_job_intake
from . import inbound_job_log
from . import inbound_job_queue
from . import mapping_target  # before the models that inherit it
from . import mapping
from . import project_task
from . import provisional_cost
from . import purchase_order
from . import rate_limiter
from . import res_config_settings
from . import source_revision

# A view over the tables above: created after them.
from . import reconciliation
