from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    welfare_c3_ceiling = fields.Monetary(
        string="Fringe-benefit Ceiling", default=1000.0, help="TUIR art. 51 c.3: yearly exempt ceiling per worker."
    )
    welfare_c3_ceiling_children = fields.Monetary(
        string="Fringe-benefit Ceiling with Dependent Children",
        default=2000.0,
        help="TUIR art. 51 c.3 (2025-2027): yearly exempt ceiling for workers with fiscally dependent children.",
    )

    def _welfare_setup_accounting(self):
        """Per company with a chart of accounts: the welfare credit liability account, the
        "Voucher welfare" journal and the welfare payment provider paying against it."""
        for company in self.sudo().filtered("chart_template"):
            env = self.env(su=True, context={"allowed_company_ids": company.ids})
            Account = env["account.account"].with_company(company)
            liability = Account.search([("code", "=", "WLF01"), ("company_ids", "in", company.id)], limit=1)
            if not liability:
                liability = Account.create(
                    {
                        "name": env._("Welfare credit to be spent"),
                        "code": "WLF01",
                        "account_type": "liability_current",
                        "reconcile": True,
                        "company_ids": [(6, 0, company.ids)],
                    }
                )
            journal = env["account.journal"].search([("code", "=", "WLF"), ("company_id", "=", company.id)], limit=1)
            if not journal:
                journal = env["account.journal"].create(
                    {
                        "name": env._("Welfare vouchers"),
                        "code": "WLF",
                        "type": "bank",
                        "company_id": company.id,
                    }
                )
            provider = env["payment.provider"].search(
                [("code", "=", "welfare"), ("company_id", "=", company.id)], limit=1
            )
            template = env.ref("welfare_voucher.payment_provider_welfare", raise_if_not_found=False)
            if not provider and template:
                provider = template if template.company_id == company else template.copy({"company_id": company.id})
            if provider:
                provider.write({"state": "enabled", "journal_id": journal.id})
                lines = journal.inbound_payment_method_line_ids.filtered(
                    lambda l, p=provider: l.payment_provider_id == p
                )
                lines.write({"payment_account_id": liability.id})
