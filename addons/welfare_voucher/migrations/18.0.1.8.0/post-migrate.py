"""The employers' advances account (WLF05, docs/fiscal-model.md flow g) for the companies
that already have their welfare books: created here, once, rather than by the first
request that needs it."""

from openupgradelib import openupgrade


@openupgrade.migrate()
def migrate(env, version):
    env["res.company"].search([])._welfare_setup_accounting()
