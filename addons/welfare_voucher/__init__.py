from odoo.addons.payment import reset_payment_provider, setup_provider

from . import controllers
from . import models
from . import report
from . import wizards


def post_init_hook(env):
    setup_provider(env, "welfare")
    env["res.partner"]._welfare_adopt_network_fiscalcodes()
    env["res.company"].search([])._welfare_setup_accounting()


def uninstall_hook(env):
    reset_payment_provider(env, "welfare")
