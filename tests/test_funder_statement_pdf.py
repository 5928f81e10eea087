"""The funder's statement (rendicontazione) as a real PDF, rendered by wkhtmltopdf
against the live HTTP server, on the demo regional grant."""

import pytest

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools import config


@pytest.fixture
def env():
    registry = odoo.modules.registry.Registry(config["db_name"])
    if registry.in_test_mode():
        pytest.skip("needs the live HTTP server of pytest-odoo (--odoo-http)")
    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, {})
        cr.rollback()


def test_funder_statement_pdf(env):
    fund = env.ref("welfare_voucher.fund_networking_grant")
    report = env["ir.actions.report"].with_context(force_report_rendering=True)
    data = {"date_from": str(fund.date_start), "date_to": str(fund.date_end)}
    pdf, kind = report._render_qweb_pdf("welfare_voucher.action_report_welfare_fund_statement", fund.ids, data=data)
    assert kind == "pdf"
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 1000
