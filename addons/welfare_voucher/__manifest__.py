{
    "name": "Welfare Vouchers",
    "summary": "Welfare funds and vouchers: issuing, spending in the shop, "
    "redeeming at providers, settlements",
    "version": "18.0.1.0.0",
    "category": "Accounting/Welfare",
    "license": "LGPL-3",
    "author": "Alleanza Val Cavallina - Basso Sebino",
    "website": "https://github.com/welfare-valcavallina/welfare",
    "development_status": "Alpha",
    "maintainers": ["welfare-valcavallina"],
    "depends": ["welfare_catalog", "account", "payment"],
    "external_dependencies": {"python": ["openupgradelib"]},
    "data": [],
    "installable": True,
}
