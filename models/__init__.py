from . import connector
from . import connector_secret
from . import inbound_job
from . import cost_code
from . import mapping
from . import rate_limiter
from . import res_config_settings
from . import source_revision
