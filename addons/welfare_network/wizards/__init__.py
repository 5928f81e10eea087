from . import portal_wizard_user
