from . import connector_secret_wizard
