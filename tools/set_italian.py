"""Make Italian the language of every user, contact and website of a database.

Usage: python tools/set_italian.py <odoo options> -d <database>
(run by tools/run.sh after the demo database is created)."""

import sys

import odoo
from odoo.tools import config


def main(argv):
    config.parse_config(argv)
    dbname = config["db_name"]
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"active_test": False})
        italian = env.ref("base.lang_it")
        env["res.users"].search([]).write({"lang": "it_IT"})
        env["res.partner"].search([("lang", "!=", "it_IT")]).write({"lang": "it_IT"})
        env["ir.default"].set("res.partner", "lang", "it_IT")
        if "website" in env:
            for website in env["website"].search([]):
                website.write({"language_ids": [(4, italian.id)], "default_lang_id": italian.id})
    print(f"Italian set for users, contacts and websites of {dbname}")


if __name__ == "__main__":
    main(sys.argv[1:])
