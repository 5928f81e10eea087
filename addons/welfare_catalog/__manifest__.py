{
    "name": "Welfare Catalog",
    "summary": "Certified welfare services and km-0 products in the Odoo shop",
    "version": "18.0.1.0.0",
    "category": "Website/eCommerce",
    "license": "LGPL-3",
    "author": "Alleanza Val Cavallina - Basso Sebino",
    "website": "https://github.com/welfare-valcavallina/welfare",
    "development_status": "Alpha",
    "maintainers": ["welfare-valcavallina"],
    "depends": ["welfare_network", "website_sale"],
    "data": [],
    "installable": True,
}
