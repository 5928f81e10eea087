from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.fields import Date

from odoo.addons.welfare_catalog.tests.common import WelfareCatalogCommon


class WelfareVoucherCommon(WelfareCatalogCommon):
    """A co-payment grant and a full-value employer fund, with a 22% VAT listing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = Date.today()
        cls.tax_22 = cls.env["account.tax"].create(
            {
                "name": "IVA 22% test",
                "amount": 22.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.env.company.id,
            }
        )
        (cls.listing_a | cls.listing_nido).write({"taxes_id": [Command.set(cls.tax_22.ids)]})
        cls.publish(cls.listing_a, cls.listing_b, cls.listing_nido)
        cls.funder = cls.env["res.partner"].create({"name": "Regione Test", "is_company": True})
        cls.fund_grant = cls.env["welfare.fund"].create(
            {
                "name": "Grant",
                "fund_type": "regional_grant",
                "funder_id": cls.funder.id,
                "budget": 1000.0,
                "date_start": today - relativedelta(months=1),
                "date_end": today + relativedelta(months=6),
                "call_reference": "Decreto regionale di test",
                "max_per_worker": 600.0,
                "category_ids": [Command.set((cls.cat_infanzia | cls.cat_sad).ids)],
            }
        )
        # The employer's fringe benefits (TUIR art. 51 c.3): km 0 goods, cumulative voucher.
        cls.fund_employer = cls.env["welfare.fund"].create(
            {
                "name": "Employer",
                "fund_type": "fringe_benefit",
                "funder_id": cls.employer_a.id,
                "employer_id": cls.employer_a.id,
                "budget": 1000.0,
                "date_start": today - relativedelta(months=1),
                "date_end": today + relativedelta(months=6),
                "category_ids": [Command.set(cls.cat_km0.ids)],
            }
        )
        # The employer's welfare (TUIR art. 51 c.2), to all its employees by regulation:
        # full value, one service voucher per service.
        cls.regulation_a = cls.env["welfare.regulation"].create(
            {"name": "Regolamento A", "employer_id": cls.employer_a.id, "date": today - relativedelta(months=2)}
        )
        cls.fund_c2 = cls.env["welfare.fund"].create(
            {
                "name": "Employer c.2",
                "fund_type": "employer",
                "funder_id": cls.employer_a.id,
                "employer_id": cls.employer_a.id,
                "regulation_id": cls.regulation_a.id,
                "budget": 5000.0,
                "date_start": today - relativedelta(months=1),
                "date_end": today + relativedelta(months=6),
                "category_ids": [Command.set((cls.cat_infanzia | cls.cat_sad).ids)],
            }
        )
        (cls.fund_grant | cls.fund_employer | cls.fund_c2).action_open()
        # List prices as they are (Odoo's demo pricelists give discounts by country).
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Welfare test", "currency_id": cls.env.company.currency_id.id, "sequence": 1}
        )

    @classmethod
    def issue(cls, fund, worker, amount, date_end=None, date_start=None):
        today = Date.today()
        campaign = cls.env["welfare.campaign"].create(
            {
                "name": f"Campaign {fund.name} {worker.name}",
                "fund_id": fund.id,
                "employer_ids": [Command.set(worker.welfare_employer_id.ids)],
                "amount_fixed": amount,
                "send_email": False,
                "date_start": date_start or today - relativedelta(days=1),
                "date_end": date_end or today + relativedelta(months=3),
            }
        )
        campaign.action_prepare()
        campaign.line_ids.filtered(lambda l: l.worker_id != worker).unlink()
        campaign._issue_batch()
        return campaign.line_ids.voucher_id

    @classmethod
    def cart(cls, worker, *product_qty):
        return cls.env["sale.order"].create(
            {
                "partner_id": worker.id,
                "pricelist_id": cls.pricelist.id,
                "order_line": [
                    Command.create({"product_id": template.product_variant_id.id, "product_uom_qty": qty})
                    for template, qty in product_qty
                ],
            }
        )


def register_employer_payment(env, employer, amount):
    """The employer's bank transfer, registered by accounting as for any customer (a
    posted inbound payment on its receivable, matched to nothing)."""
    company = env.company
    journal = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id), ("id", "!=", company.welfare_journal_id.id)],
        limit=1,
    )
    payment = env["account.payment"].create(
        {
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": employer.id,
            "amount": amount,
            "journal_id": journal.id,
        }
    )
    payment.action_post()
    assert payment.move_id, "the bank journal has an outstanding receipts account"
    return payment
