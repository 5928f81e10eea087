from odoo import Command, fields, models


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
        """Per company with a chart of accounts (any chart, l10n_it included): the welfare
        accounts, the "Welfare vouchers" payment journal, the "Welfare operations"
        journal and the welfare payment provider paying against the credit liability."""
        for company in self.sudo().filtered("chart_template"):
            env = self.env(su=True, context={"allowed_company_ids": company.ids})
            Account = env["account.account"].with_company(company)
            accounts = {}
            for key, code, name, account_type, reconcile in (
                ("liability", "WLF01", env._("Welfare credit to be spent"), "liability_current", True),
                ("funds_receivable", "WLF02", env._("Welfare funds receivable"), "asset_current", True),
                ("to_settle", "WLF03", env._("Welfare providers to settle"), "liability_current", True),
                ("commission", "WLF04", env._("Welfare network commissions"), "income_other", False),
            ):
                account = Account.search([("code", "=", code), ("company_ids", "in", company.id)], limit=1)
                if not account:
                    account = Account.create(
                        {
                            "name": name,
                            "code": code,
                            "account_type": account_type,
                            "reconcile": reconcile,
                            "company_ids": [(6, 0, company.ids)],
                        }
                    )
                accounts[key] = account
            Journal = env["account.journal"]
            journal = Journal.search([("code", "=", "WLF"), ("company_id", "=", company.id)], limit=1)
            if not journal:
                journal = Journal.create(
                    {"name": env._("Welfare vouchers"), "code": "WLF", "type": "bank", "company_id": company.id}
                )
            if not Journal.search([("code", "=", "WLFO"), ("company_id", "=", company.id)], limit=1):
                Journal.create(
                    {
                        "name": env._("Welfare operations"),
                        "code": "WLFO",
                        "type": "general",
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
                lines.write({"payment_account_id": accounts["liability"].id})

    def _welfare_accounts(self):
        """The welfare accounts and journals of the company (created when missing)."""
        self.ensure_one()
        Account = self.env["account.account"].sudo().with_company(self)
        Journal = self.env["account.journal"].sudo()

        def account(code):
            return Account.search([("code", "=", code), ("company_ids", "in", self.id)], limit=1)

        if not account("WLF04") or not Journal.search([("code", "=", "WLFO"), ("company_id", "=", self.id)]):
            self._welfare_setup_accounting()
        return {
            "liability": account("WLF01"),
            "funds_receivable": account("WLF02"),
            "to_settle": account("WLF03"),
            "commission": account("WLF04"),
            "journal": Journal.search([("code", "=", "WLF"), ("company_id", "=", self.id)], limit=1),
            "operations_journal": Journal.search([("code", "=", "WLFO"), ("company_id", "=", self.id)], limit=1),
        }

    def _welfare_post_entry(self, date, ref, lines):
        """Post a journal entry in the "Welfare operations" journal.

        ``lines``: (account, partner, amount, label), a positive amount is a debit."""
        self.ensure_one()
        accounts = self._welfare_accounts()
        entry = (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "move_type": "entry",
                    "journal_id": accounts["operations_journal"].id,
                    "date": date,
                    "company_id": self.id,
                    "ref": ref,
                    "line_ids": [
                        Command.create(
                            {
                                "name": label,
                                "account_id": account.id,
                                "partner_id": partner.id,
                                "debit": amount if amount > 0 else 0.0,
                                "credit": -amount if amount < 0 else 0.0,
                            }
                        )
                        for account, partner, amount, label in lines
                    ],
                }
            )
        )
        entry.action_post()
        return entry
