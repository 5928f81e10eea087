{
    "name": "Welfare Vouchers",
    "summary": "Welfare funds and nominative vouchers: campaigns, spending in the shop as a "
    "means of payment, redemption at providers, expiry",
    "version": "18.0.1.1.0",
    "category": "Accounting/Welfare",
    "license": "LGPL-3",
    "author": "Alleanza Val Cavallina - Basso Sebino",
    "website": "https://github.com/welfare-valcavallina/welfare",
    "development_status": "Beta",
    "maintainers": ["welfare-valcavallina"],
    "depends": ["welfare_catalog", "account_payment", "website_sale"],
    "external_dependencies": {"python": ["openupgradelib"]},
    "data": [
        "security/ir.model.access.csv",
        "security/welfare_voucher_security.xml",
        "report/welfare_voucher_report.xml",
        "report/welfare_statement_reports.xml",
        "data/ir_sequence_data.xml",
        "data/payment_provider_data.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "views/welfare_fund_views.xml",
        "views/welfare_voucher_views.xml",
        "views/welfare_settlement_views.xml",
        "views/portal_templates.xml",
        "views/website_sale_templates.xml",
    ],
    "demo": [
        "demo/welfare_voucher_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "welfare_voucher/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
}
