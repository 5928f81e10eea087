from odoo import Command, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # The welfare accounts and journals, created once per company when its chart is
    # loaded and stored here (a branch shares its root company's accounts, as Odoo's
    # own charts do); postings read them from the company, never search by code.
    welfare_liability_account_id = fields.Many2one(
        "account.account", string="Welfare Credit Liability", readonly=True, copy=False
    )
    welfare_funds_receivable_account_id = fields.Many2one(
        "account.account", string="Welfare Funds Receivable", readonly=True, copy=False
    )
    welfare_to_settle_account_id = fields.Many2one(
        "account.account", string="Welfare Providers to Settle", readonly=True, copy=False
    )
    welfare_commission_account_id = fields.Many2one(
        "account.account", string="Welfare Commission Income", readonly=True, copy=False
    )
    welfare_advance_account_id = fields.Many2one(
        "account.account", string="Employers' Welfare Advances", readonly=True, copy=False
    )
    welfare_journal_id = fields.Many2one(
        "account.journal", string="Welfare Payments Journal", readonly=True, copy=False
    )
    welfare_operations_journal_id = fields.Many2one(
        "account.journal", string="Welfare Operations Journal", readonly=True, copy=False
    )

    def _welfare_account_specs(self):
        """(field, code, name, account type, reconcile) of the welfare accounts."""
        return (
            (
                "welfare_liability_account_id",
                "WLF01",
                self.env._("Welfare credit to be spent"),
                "liability_current",
                True,
            ),
            (
                "welfare_funds_receivable_account_id",
                "WLF02",
                self.env._("Welfare funds receivable"),
                "asset_current",
                True,
            ),
            (
                "welfare_to_settle_account_id",
                "WLF03",
                self.env._("Welfare providers to settle"),
                "liability_current",
                True,
            ),
            (
                "welfare_commission_account_id",
                "WLF04",
                self.env._("Welfare network commissions"),
                "income_other",
                False,
            ),
            (
                # The employer's advance (provvista) for purchases under the mandate not
                # identified yet: a debt to the employer, outside VAT (fiscal-model.md, g).
                "welfare_advance_account_id",
                "WLF05",
                self.env._("Employers' welfare advances"),
                "liability_current",
                True,
            ),
        )

    def _welfare_setup_accounting(self):
        """Per company with a chart of accounts (any chart, l10n_it included): the welfare
        accounts (on the root company, shared by its branches), the "Welfare vouchers"
        payment journal, the "Welfare operations" journal and the welfare payment
        provider paying against the credit liability. Idempotent."""
        for company in self.sudo().filtered("chart_template").sorted(lambda c: len(c.parent_ids)):
            root = company.root_id
            env = self.env(su=True, context={"allowed_company_ids": (company | root).ids})
            Account = env["account.account"].with_company(root)
            values = {}
            for field, code, name, account_type, reconcile in company._welfare_account_specs():
                account = root[field] or Account.search(
                    [("code", "=", code), ("company_ids", "parent_of", root.id)], limit=1
                )
                if not account:
                    account = Account.create(
                        {
                            "name": name,
                            "code": code,
                            "account_type": account_type,
                            "reconcile": reconcile,
                            "company_ids": [Command.set(root.ids)],
                        }
                    )
                if company[field] != account:
                    values[field] = account.id
            Journal = env["account.journal"]
            journals = {}
            for field, code, name, journal_type in (
                ("welfare_journal_id", "WLF", env._("Welfare vouchers"), "bank"),
                ("welfare_operations_journal_id", "WLFO", env._("Welfare operations"), "general"),
            ):
                journal = company[field] or Journal.search(
                    [("code", "=", code), ("company_id", "=", company.id)], limit=1
                )
                if not journal:
                    journal = Journal.create(
                        {"name": name, "code": code, "type": journal_type, "company_id": company.id}
                    )
                journals[field] = journal
                if company[field] != journal:
                    values[field] = journal.id
            if values:
                company.write(values)
            provider = env["payment.provider"].search(
                [("code", "=", "welfare"), ("company_id", "=", company.id)], limit=1
            )
            template = env.ref("welfare_voucher.payment_provider_welfare", raise_if_not_found=False)
            if not provider and template:
                provider = template if template.company_id == company else template.copy({"company_id": company.id})
            if provider:
                journal = journals["welfare_journal_id"]
                if provider.journal_id != journal or provider.state != "enabled":
                    provider.write({"state": "enabled", "journal_id": journal.id})
                lines = journal.inbound_payment_method_line_ids.filtered(
                    lambda l, p=provider: l.payment_provider_id == p
                )
                lines.filtered(lambda l, c=company: l.payment_account_id != c.welfare_liability_account_id).write(
                    {"payment_account_id": company.welfare_liability_account_id.id}
                )

    def _welfare_accounts(self):
        """The welfare accounts and journals of the company, as stored at setup
        (set up now if the company got its chart before this addon)."""
        self.ensure_one()
        company = self.sudo()
        if not (
            company.welfare_commission_account_id
            and company.welfare_advance_account_id
            and company.welfare_operations_journal_id
        ):
            company._welfare_setup_accounting()
        return {
            "liability": company.welfare_liability_account_id,
            "funds_receivable": company.welfare_funds_receivable_account_id,
            "to_settle": company.welfare_to_settle_account_id,
            "commission": company.welfare_commission_account_id,
            "advance": company.welfare_advance_account_id,
            "journal": company.welfare_journal_id,
            "operations_journal": company.welfare_operations_journal_id,
        }

    def _welfare_post_entry(self, date, ref, lines, **values):
        """Post a journal entry in the "Welfare operations" journal.

        ``lines``: (account, partner, amount, label), a positive amount is a debit;
        ``values``: more fields of the entry."""
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
                    **values,
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
