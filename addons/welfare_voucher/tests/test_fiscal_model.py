from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Date
from odoo.tests import tagged

from odoo.addons.welfare_network.tests.common import make_fiscalcode

from .common import WelfareVoucherCommon


@tagged("post_install", "-at_install")
class TestFiscalModel(WelfareVoucherCommon):
    """The Italian fiscal model of the funds: each rule names the article it enforces."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = Date.today()
        cls.year = cls.env["welfare.voucher"]._c3_tax_year(cls.today)
        cls.child_b = cls.env["welfare.family.member"].create(
            {
                "name": "Figlio Bianchi",
                "worker_id": cls.worker_b.id,
                "relation": "child",
                "birth_date": date(cls.today.year - 10, 5, 5),
                "fiscalcode": make_fiscalcode("BNC", "FGL", date(cls.today.year - 10, 5, 5)),
            }
        )
        cls.fund_c3_b = cls.env["welfare.fund"].create(
            {
                "name": "Fringe B",
                "fund_type": "fringe_benefit",
                "funder_id": cls.employer_b.id,
                "employer_id": cls.employer_b.id,
                "budget": 10000.0,
                "date_start": cls.today - relativedelta(months=1),
                "date_end": cls.today + relativedelta(months=6),
                "category_ids": [Command.set(cls.cat_km0.ids)],
            }
        )
        cls.fund_c3_b.action_open()

    def _fund(self, **values):
        return self.env["welfare.fund"].create(
            {
                "name": "Fund",
                "funder_id": self.employer_a.id,
                "budget": 100.0,
                "date_start": self.today,
                "date_end": self.today + relativedelta(months=1),
                **values,
            }
        )

    def _campaign(self, fund, amount, **values):
        campaign = self.env["welfare.campaign"].create(
            {
                "name": f"Campaign {fund.name}",
                "fund_id": fund.id,
                "amount_fixed": amount,
                "send_email": False,
                "date_start": self.today - relativedelta(days=1),
                "date_end": self.today + relativedelta(months=3),
                **values,
            }
        )
        campaign.action_prepare()
        return campaign

    # ------------------------------------------------------------------
    # 1. fund types carry their rules
    # ------------------------------------------------------------------
    def test_fund_types_carry_their_rules(self):
        """TUIR art. 51 c.2 and c.3, DM 25 March 2016 art. 6, L. 208/2015 c.184: each
        fund type fixes how its vouchers pay and whether the c.3 ceiling applies."""
        expected = {
            self.fund_grant: ("copay", False, False),
            self.fund_c2: ("full_value", False, True),
            self.fund_employer: ("cumulative", True, True),
        }
        for fund, (mode, c3, family) in expected.items():
            self.assertEqual((fund.payment_mode, fund.apply_c3_ceiling, fund.family_rules), (mode, c3, family))
        self.assertNotIn("51", self.fund_grant.legal_reference, "a grant is not an employment benefit")
        self.assertIn("c.3-bis", self.fund_c2.legal_reference)
        # Printed in the reader's language, never frozen in the creator's.
        self.env["res.lang"]._activate_lang("it_IT")
        self.assertIn("marzo", self.fund_c2.with_context(lang="it_IT").legal_reference)

    def test_invalid_combinations_are_impossible(self):
        """TUIR art. 51 c.2 (offered by regulation to all employees or categories) and
        DM 25 March 2016 art. 6 (full value): a fund cannot be made to break its type."""
        ignored = self._fund(
            fund_type="employer",
            employer_id=self.employer_a.id,
            regulation_id=self.regulation_a.id,
            category_ids=[Command.set(self.cat_infanzia.ids)],
            payment_mode="copay",
        )
        self.assertEqual(ignored.payment_mode, "full_value", "the type decides, not the caller")
        grant = self._fund(
            fund_type="regional_grant",
            call_reference="DGR",
            apply_c3_ceiling=True,
            category_ids=[Command.set(self.cat_infanzia.ids)],
        )
        self.assertFalse(grant.apply_c3_ceiling, "grant money is never a fringe benefit")
        with self.assertRaisesRegex(ValidationError, "regulation"), self.env.cr.savepoint():
            self._fund(
                fund_type="employer", employer_id=self.employer_a.id, category_ids=[Command.set(self.cat_infanzia.ids)]
            )
        with self.assertRaisesRegex(ValidationError, "cannot pay for"), self.env.cr.savepoint():
            self._fund(
                fund_type="employer",
                employer_id=self.employer_a.id,
                regulation_id=self.regulation_a.id,
                category_ids=[Command.set(self.cat_km0.ids)],
            )
        with self.assertRaisesRegex(ValidationError, "cannot pay for"), self.env.cr.savepoint():
            self._fund(
                fund_type="fringe_benefit",
                employer_id=self.employer_a.id,
                category_ids=[Command.set(self.cat_infanzia.ids)],
            )
        with self.assertRaisesRegex(ValidationError, "call"), self.env.cr.savepoint():
            self._fund(fund_type="regional_grant", category_ids=[Command.set(self.cat_infanzia.ids)])
        with self.assertRaisesRegex(UserError, "cannot change"), self.env.cr.savepoint():
            self.fund_grant.fund_type = "public_other"
        with self.assertRaisesRegex(ValidationError, "come from its type"), self.env.cr.savepoint():
            self.fund_c2.payment_mode = "copay"
        with self.assertRaisesRegex(ValidationError, "come from its type"), self.env.cr.savepoint():
            self.fund_grant.family_rules = True

    # ------------------------------------------------------------------
    # 2. employer welfare reaches categories of employees
    # ------------------------------------------------------------------
    def test_c2_campaign_reaches_the_regulations_categories(self):
        """TUIR art. 51 c.2: employer welfare is exempt when offered to all employees or
        to categories of them, as the regulation says: never selected by residence or
        family, never a different amount per worker, never a worker taken off."""
        clerks = self.env.ref("welfare_network.worker_category_impiegato")
        self.worker_a.welfare_worker_category_id = clerks
        other = self.env["res.partner"].create(
            {
                "name": "Operaio A",
                "is_welfare_worker": True,
                "welfare_employer_id": self.employer_a.id,
                "welfare_worker_category_id": self.env.ref("welfare_network.worker_category_operaio").id,
                "fiscalcode": make_fiscalcode("PRI", "PRA", date(1990, 1, 1)),
            }
        )
        regulation = self.env["welfare.regulation"].create(
            {
                "name": "Impiegati",
                "employer_id": self.employer_a.id,
                "date": self.today,
                "scope": "categories",
                "worker_category_ids": [Command.set(clerks.ids)],
            }
        )
        fund = self._fund(
            fund_type="employer",
            employer_id=self.employer_a.id,
            regulation_id=regulation.id,
            category_ids=[Command.set(self.cat_infanzia.ids)],
        )
        fund.action_open()
        campaign = self._campaign(fund, 50.0)
        self.assertIn(self.worker_a, campaign.line_ids.worker_id)
        self.assertNotIn(other, campaign.line_ids.worker_id)
        self.assertEqual(set(campaign.line_ids.mapped("amount")), {50.0})
        ambit = self.env["welfare.ambit"].search([], limit=1)
        for values in (
            {"ambit_ids": [Command.set(ambit.ids)]},
            {"family_criterion": "child_age"},
            {"amount_per_child": 10.0},
        ):
            with self.assertRaisesRegex(ValidationError, "employer welfare"), self.env.cr.savepoint():
                campaign.write(values)
        with self.assertRaisesRegex(UserError, "prepare it again"), self.env.cr.savepoint():
            campaign.line_ids[:1].with_user(self.user_backoffice).unlink()

    # ------------------------------------------------------------------
    # 3. the c.3 ceiling, counted when made available
    # ------------------------------------------------------------------
    def test_c3_ceiling_is_checked_at_issue_with_other_benefits(self):
        """TUIR art. 51 c.3 (2025-2027: L. 207/2024 art. 1 c.390-391): the ceiling of the
        tax year counts what is made available, the platform's vouchers at their whole
        value and what the employer gives outside it; an issue over it is refused (above
        the ceiling the whole amount would be taxable)."""
        ceiling = self.env["welfare.c3.ceiling"]._ceiling_for(self.year, False)
        self.assertEqual(ceiling, 1000.0 if 2024 <= self.year <= 2027 else 258.23)
        self.env["welfare.fringe.benefit"].create(
            {"worker_id": self.worker_b.id, "name": "Buoni carburante", "date": self.today, "amount": ceiling - 100.0}
        )
        campaign = self._campaign(self.fund_c3_b, 150.0)
        campaign._issue_batch()
        line = campaign.line_ids.filtered(lambda l: l.worker_id == self.worker_b)
        self.assertEqual(line.state, "failed")
        self.assertIn("whole amount is taxable", line.error_message)
        self.assertEqual(self.env["welfare.voucher"]._c3_room(self.worker_b, self.year), 100.0)
        small = self._campaign(self.fund_c3_b, 100.0)
        small._issue_batch()
        voucher = small.line_ids.filtered(lambda l: l.worker_id == self.worker_b).voucher_id
        self.assertEqual(voucher.c3_year, self.year)
        self.assertEqual(self.env["welfare.voucher"]._c3_room(self.worker_b, self.year), 0.0)
        # Counted when made available: spending it later checks nothing again.
        order = self.cart(self.worker_b, (self.listing_b, 2))
        order._welfare_apply_credit()
        self.assertAlmostEqual(voucher.amount_available, 100.0 - order.amount_total)

    def test_children_declaration_raises_the_ceiling(self):
        """TUIR art. 51 c.3 as amended by L. 207/2024 art. 1 c.390-391 (circ. 4/E 2025
        §2.7): the higher ceiling needs the worker's declaration of the tax year naming
        each fiscally dependent child's codice fiscale; art. 12 c.2 TUIR: dependent means
        an income of the year up to €4,000 for children up to 24 (€2,840.51 otherwise)."""
        Declaration = self.env["welfare.c3.declaration"]
        Voucher = self.env["welfare.voucher"]
        plain = Voucher._c3_ceilings(self.worker_b, self.year)[self.worker_b.id]
        with self.assertRaisesRegex(ValidationError, "not fiscally dependent"), self.env.cr.savepoint():
            Declaration.create(
                {
                    "worker_id": self.worker_b.id,
                    "year": self.year,
                    "line_ids": [Command.create({"child_id": self.child_b.id, "income": 4500.0})],
                }
            )
        no_code = self.env["welfare.family.member"].create(
            {"name": "Senza CF", "worker_id": self.worker_b.id, "relation": "child", "birth_date": date(2015, 1, 1)}
        )
        with self.assertRaisesRegex(ValidationError, "codice fiscale"), self.env.cr.savepoint():
            Declaration.create(
                {
                    "worker_id": self.worker_b.id,
                    "year": self.year,
                    "line_ids": [Command.create({"child_id": no_code.id})],
                }
            )
        with self.assertRaisesRegex(ValidationError, "at least one"), self.env.cr.savepoint():
            Declaration.create({"worker_id": self.worker_b.id, "year": self.year})
        Declaration.create(
            {
                "worker_id": self.worker_b.id,
                "year": self.year,
                "line_ids": [Command.create({"child_id": self.child_b.id, "income": 3900.0})],
            }
        )
        raised = Voucher._c3_ceilings(self.worker_b, self.year)[self.worker_b.id]
        self.assertEqual(raised, self.env["welfare.c3.ceiling"]._ceiling_for(self.year, True))
        self.assertGreaterEqual(raised, plain)
        # Another year is another fact: no declaration, no raised ceiling.
        self.assertEqual(
            Voucher._c3_ceilings(self.worker_b, self.year + 1)[self.worker_b.id],
            self.env["welfare.c3.ceiling"]._ceiling_for(self.year + 1, False),
        )

    def test_amount_per_child_counts_the_children_declared_for_the_year(self):
        """TUIR art. 12 c.2 and art. 51 c.3: a child is fiscally dependent in a tax year, on
        that year's income, as the worker declares it naming the child's codice fiscale;
        an amount per dependent child of fringe-benefit credit counts the children of the
        campaign's year's declaration, never a lasting "dependent" flag."""
        self.child_b.is_dependent = True  # a flag alone proves nothing
        campaign = self._campaign(self.fund_c3_b, 100.0, amount_per_child=50.0)
        line = campaign.line_ids.filtered(lambda l: l.worker_id == self.worker_b)
        self.assertAlmostEqual(line.amount, 100.0)
        year = self.env["welfare.voucher"]._c3_tax_year(campaign.date_start)
        self.env["welfare.c3.declaration"].create(
            {
                "worker_id": self.worker_b.id,
                "year": year,
                "line_ids": [Command.create({"child_id": self.child_b.id, "income": 1000.0})],
            }
        )
        campaign.action_prepare()
        line = campaign.line_ids.filtered(lambda l: l.worker_id == self.worker_b)
        self.assertAlmostEqual(line.amount, 150.0)
        # Another year's declaration does not count.
        other = self._campaign(
            self.fund_c3_b,
            100.0,
            amount_per_child=50.0,
            date_start=date(year + 1, 2, 1),
            date_end=date(year + 1, 3, 1),
        )
        self.assertAlmostEqual(other.line_ids.filtered(lambda l: l.worker_id == self.worker_b).amount, 100.0)

    def test_full_value_credit_never_pays_part_of_a_line(self):
        """DM 25/3/2016 art. 6: a single-purpose voucher pays one service for its whole
        value; a line that a discount of the order leaves partly unpaid is not paid with
        it (the worker pays it another way)."""
        self.issue(self.fund_c2, self.worker_a, 2000.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        self.assertEqual(order._welfare_plan().get(order.order_line), [(self.fund_c2.voucher_ids, 610.0)])
        discount = self.env["product.product"].create({"name": "Sconto promozione", "type": "service"})
        order.order_line = [Command.create({"product_id": discount.id, "price_unit": -50.0, "tax_id": False})]
        nursery = order.order_line.filtered(lambda l: l.product_id == self.listing_nido.product_variant_id)
        self.assertFalse(order._welfare_plan().get(nursery))

    def test_full_value_credit_pays_only_a_service_whose_vat_is_known(self):
        """DPR 633/72 art. 6-bis: a single-purpose voucher is one whose VAT is known when it
        is issued, and the employer is invoiced the service with that VAT (art. 6-ter). A
        shop line without VAT, or a listing redeemed in person whose VAT the network cannot
        tell, is not paid with full-value credit: no use is left without a document."""
        voucher = self.issue(self.fund_c2, self.worker_a, 2000.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        self.assertTrue(order._welfare_plan().get(order.order_line))
        order.order_line.tax_id = False
        order.order_line.price_unit = 610.0
        self.assertFalse(order._welfare_plan().get(order.order_line))
        # Two VAT rates on one line: no single VAT either.
        four = self.env["account.tax"].create(
            {"name": "IVA 4% test", "amount": 4.0, "type_tax_use": "sale", "company_id": self.env.company.id}
        )
        order.order_line.tax_id = self.tax_22 | four
        self.assertFalse(order._welfare_plan().get(order.order_line))
        order.action_cancel()
        # In person: a listing with two VAT rates names no single VAT for its voucher.
        self.listing_nido.sudo().taxes_id = self.tax_22 | four
        price = self.listing_nido._welfare_redeem_price(self.provider, self.cat_nido)
        with self.assertRaisesRegex(UserError, "no single VAT rate"):
            self.env["welfare.voucher"]._redeem_at_provider(
                voucher.code, self.provider, self.cat_nido, price, listing=self.listing_nido
            )
        self.assertEqual(voucher.balance, 2000.0)
        self.assertFalse(voucher.move_ids.filtered(lambda m: m.move_type == "redeem"))

    def test_extended_cash_rule(self):
        """TUIR art. 51 c.1: what is made available by 12 January counts in the year before."""
        Voucher = self.env["welfare.voucher"]
        self.assertEqual(Voucher._c3_tax_year(date(2027, 1, 12)), 2026)
        self.assertEqual(Voucher._c3_tax_year(date(2027, 1, 13)), 2027)
        self.assertEqual(Voucher._c3_tax_year(date(2026, 12, 31)), 2026)

    def test_grant_money_is_not_a_fringe_benefit(self):
        """A regional grant is a public contribution (its call's rules), not employment
        income: it never uses the worker's c.3 ceiling and never appears in the payroll
        statement of fringe benefits."""
        room = self.env["welfare.voucher"]._c3_room(self.worker_a, self.year)
        grant = self.issue(self.fund_grant, self.worker_a, 300.0)
        fringe = self.issue(self.fund_employer, self.worker_a, 40.0)
        self.assertFalse(grant.c3_year)
        self.assertEqual(self.env["welfare.voucher"]._c3_room(self.worker_a, self.year), room - 40.0)
        values = self.env["report.welfare_voucher.report_worker_c3_statement"]._get_report_values(
            self.worker_a.ids, {"year": self.year}
        )
        statement = values["statements"][self.worker_a.id]
        self.assertEqual(statement["vouchers"], fringe)
        self.assertEqual(statement["total"], 40.0)

    # ------------------------------------------------------------------
    # 4. productivity bonus only from the worker's choice
    # ------------------------------------------------------------------
    def test_productivity_bonus_is_issued_from_recorded_choices_only(self):
        """L. 208/2015 art. 1 c.182-184: the worker chooses to take (part of) the bonus as
        welfare, up to €3,000 a year; the fund issues exactly what was chosen, once."""
        fund = self._fund(
            fund_type="productivity_bonus",
            employer_id=self.employer_a.id,
            budget=5000.0,
            category_ids=[Command.set(self.cat_infanzia.ids)],
        )
        fund.action_open()
        Choice = self.env["welfare.bonus.conversion"]
        with self.assertRaisesRegex(ValidationError, "over the cap"), self.env.cr.savepoint():
            Choice.create({"worker_id": self.worker_a.id, "bonus_amount": 3500.0, "amount": 3200.0})
        draft = Choice.create({"worker_id": self.worker_a.id, "bonus_amount": 1500.0, "amount": 800.0})
        campaign = self.env["welfare.campaign"].create(
            {
                "name": "Bonus",
                "fund_id": fund.id,
                "date_start": self.today,
                "date_end": self.today + relativedelta(months=1),
            }
        )
        with self.assertRaisesRegex(UserError, "No worker"), self.env.cr.savepoint():
            campaign.action_prepare()  # a draft choice is not a choice yet
        draft.action_confirm()
        campaign.action_prepare()
        self.assertEqual(campaign.line_ids.mapped("amount"), [800.0])
        self.assertEqual(campaign.line_ids.worker_id, self.worker_a)
        campaign._issue_batch()
        self.assertEqual(draft.state, "issued")
        self.assertEqual(campaign.line_ids.voucher_id.value, 800.0)
        again = self.env["welfare.campaign"].create(
            {
                "name": "Again",
                "fund_id": fund.id,
                "date_start": self.today,
                "date_end": self.today + relativedelta(months=1),
            }
        )
        with self.assertRaisesRegex(UserError, "No worker"), self.env.cr.savepoint():
            again.action_prepare()
        with self.assertRaisesRegex(UserError, "cannot be changed"), self.env.cr.savepoint():
            draft.amount = 100.0

    # ------------------------------------------------------------------
    # 5. one codice fiscale, the e-invoice's
    # ------------------------------------------------------------------
    def test_one_codice_fiscale_for_the_network_and_the_e_invoice(self):
        """DPR 633/72 art. 21 and the FatturaPA (l10n_it_edi): an invoice to a worker names
        their codice fiscale; the network's ``fiscalcode`` is l10n_it_edi's field itself,
        checked (DPR 605/1973) whichever name it is written through."""
        self.assertEqual(self.worker_a.l10n_it_codice_fiscale, self.worker_a.fiscalcode)
        new_code = make_fiscalcode("LFR", "ADA", date(1985, 3, 14), female=True, place="H501")
        self.worker_a.l10n_it_codice_fiscale = new_code
        self.assertEqual(self.worker_a.fiscalcode, new_code)
        with self.assertRaisesRegex(ValidationError, "not a valid codice fiscale"), self.env.cr.savepoint():
            self.worker_a.l10n_it_codice_fiscale = new_code[:15] + ("A" if new_code[15] != "A" else "B")
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        errors = invoice._l10n_it_edi_export_data_check()
        self.assertFalse([key for key in errors if "codice_fiscale" in key], errors)

    # ------------------------------------------------------------------
    # 6. lapse
    # ------------------------------------------------------------------
    def test_lapsed_credit_is_not_allocated_after_the_fund_ends(self):
        """A regional grant follows its call: money is allocated within the fund's period;
        credit that lapses goes back to the fund and into the funder's statement, never
        into a new allocation once the fund has ended."""
        voucher = self.issue(self.fund_grant, self.worker_b, 100.0, date_end=self.today + relativedelta(days=5))
        with freeze_time(self.fund_grant.date_end + relativedelta(days=1)):
            self.env["welfare.voucher"]._cron_lapse_and_remind()
            self.assertEqual(voucher.state, "expired")
            self.fund_grant.invalidate_recordset()
            self.assertEqual(self.fund_grant.amount_lapsed, 100.0)
            campaign = self.env["welfare.campaign"].create(
                {
                    "name": "Dopo la fine",
                    "fund_id": self.fund_grant.id,
                    "employer_ids": [Command.set(self.employer_b.ids)],
                    "amount_fixed": 50.0,
                    "send_email": False,
                    "date_start": Date.today(),
                    "date_end": Date.today() + relativedelta(months=1),
                }
            )
            campaign.action_prepare()
            campaign._issue_batch()
            self.assertEqual(set(campaign.line_ids.mapped("state")), {"failed"})
            self.assertIn("allocates from", campaign.line_ids[:1].error_message)
            self.assertFalse(campaign.line_ids.voucher_id)
