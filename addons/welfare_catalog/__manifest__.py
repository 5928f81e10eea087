{
    "name": "Welfare Catalog",
    "summary": "Certified welfare services and km-0 products in the Odoo shop, "
    "managed by providers from the portal",
    "version": "18.0.1.0.0",
    "category": "Website/eCommerce",
    "license": "LGPL-3",
    "author": "Alleanza Val Cavallina - Basso Sebino",
    "website": "https://github.com/welfare-valcavallina/welfare",
    "development_status": "Beta",
    "maintainers": ["welfare-valcavallina"],
    "depends": ["welfare_network", "website_sale"],
    "data": [
        "security/ir.model.access.csv",
        "security/welfare_catalog_security.xml",
        "data/welfare_service_category_data.xml",
        "data/delivery_carrier_data.xml",
        "data/ir_cron_data.xml",
        "views/welfare_service_category_views.xml",
        "views/product_template_views.xml",
        "views/welfare_convention_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/delivery_carrier_views.xml",
        "views/welfare_catalog_menus.xml",
        "views/website_sale_templates.xml",
        "views/portal_templates.xml",
    ],
    "demo": [
        "demo/welfare_catalog_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "welfare_catalog/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
