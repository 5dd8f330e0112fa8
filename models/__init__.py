from . import connector
from . import inbound_job
from . import cost_code
from . import mapping
from . import res_config_settings
