from . import job_wizard_mixin
from . import connector_secret_wizard
from . import job_close_wizard
from . import job_repost_wizard
from . import mapping_resolve_wizard
