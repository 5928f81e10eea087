"""Who may do what: the access matrix of the welfare network, checked over real users.

``access_matrix.csv`` beside this file is the matrix a person reads and changes: one row
per model (or sample record) and operation, one column per role, one expected outcome in
each cell; every welfare model has its rows. ``TestAccessMatrix.test_access_matrix`` runs
every cell: it logs in as the
role's user, performs the operation on the row's sample record inside a savepoint that is
always rolled back (one cell never sees what another did), and compares the outcome:

* ``allow``: no exception;
* ``deny``: an AccessError (access rights, record rules, field groups, group checks of the
  action methods) or a UserError of a guard (fields moved only by actions, an
  append-only ledger); a ValidationError is neither: it means the probe itself is wrong;
* ``leak``: the principle ("each role gets exactly what its job needs") denies, today's
  model code allows and access rights alone cannot refuse; ``blocked``: the principle
  allows, today's model code refuses and access rights alone cannot help. Both cells
  check today's behaviour (allowed, denied), so that the fix of the code shows up here
  and turns them into ``deny`` and ``allow``.
"""

import csv
import os
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Date
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.welfare_network.tests.common import make_fiscalcode

from .common import WelfareVoucherCommon, register_employer_payment

ROLES = (
    "public",
    "worker",
    "provider",
    "producer",
    "hr_referent",
    "backoffice",
    "manager",
    "accountant",
    "salesman",
)
OUTCOMES = ("allow", "deny", "leak", "blocked")
TODAY = {"allow": "allow", "deny": "deny", "leak": "allow", "blocked": "deny"}
MATRIX_FILE = os.path.join(os.path.dirname(__file__), "access_matrix.csv")


def load_matrix():
    """{(model, operation): {role: expected}} from the CSV (``#`` lines are comments)."""
    with open(MATRIX_FILE, encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.reader(lines, skipinitialspace=True)
    header = [name.strip() for name in next(reader)]
    matrix = {}
    for values in reader:
        row = dict(zip(header, (value.strip() for value in values)))
        key = (row["model"], row["operation"])
        if key in matrix:
            raise ValueError(f"{MATRIX_FILE}: {key} appears twice")
        cells = {role: row[role] for role in ROLES}
        wrong = {role: value for role, value in cells.items() if value not in OUTCOMES}
        if wrong:
            raise ValueError(f"{MATRIX_FILE}: {key} has unknown outcomes {wrong}")
        matrix[key] = cells
    return matrix


class _RollBack(Exception):
    """Raised after an allowed operation: its savepoint is rolled back all the same."""


@tagged("post_install", "-at_install")
class TestAccessMatrix(WelfareVoucherCommon):
    """One real user per role, sample records of every welfare model, of a worker's order
    and invoice, and the matrix run cell by cell."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = Date.today()
        cls.today = today
        Partner = cls.env["res.partner"]
        cls.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", False)
        cls.fund_grant.budget = 5000.0  # issue() prepares for every worker of the employer first

        # --- people ----------------------------------------------------------------
        cls.worker_m = Partner.create(
            {
                "name": "Marta Matrice",
                "is_welfare_worker": True,
                "fiscalcode": make_fiscalcode("MTR", "MRT", date(1990, 5, 5), female=True),
                "welfare_employer_id": cls.employer_a.id,
                "welfare_hire_date": date(2015, 1, 1),
                "email": "marta@example.com",
            }
        )
        cls.child_m = cls.env["welfare.family.member"].create(
            {
                "worker_id": cls.worker_m.id,
                "name": "Mia Matrice",
                "relation": "child",
                "birth_date": today - relativedelta(years=1),
                "is_dependent": True,
                "is_non_self_sufficient": True,
            }
        )
        cls.worker_spare = Partner.create(
            {
                "name": "Sandro Senzastoria",
                "is_welfare_worker": True,
                "fiscalcode": make_fiscalcode("SNZ", "SND", date(1988, 8, 8)),
                "welfare_employer_id": cls.employer_a.id,
                "welfare_worker_state": "left",  # in no campaign: nothing keeps the contact
            }
        )
        group = cls.env.ref
        portal = group("base.group_portal").id
        cls.users = {
            "public": new_test_user(cls.env, login="acl_public", groups="base.group_public"),
            "worker": cls.env["res.users"].create(
                {
                    "login": "acl_worker",
                    "partner_id": cls.worker_m.id,
                    "groups_id": [Command.set([portal, group("welfare_network.group_welfare_portal_worker").id])],
                }
            ),
            "provider": cls.env["res.users"].create(
                {
                    "login": "acl_provider",
                    "name": "Pia Provider",
                    "partner_id": Partner.create({"name": "Pia Provider", "parent_id": cls.provider.id}).id,
                    "groups_id": [Command.set([portal, group("welfare_network.group_welfare_portal_provider").id])],
                }
            ),
            "producer": cls.env["res.users"].create(
                {
                    "login": "acl_producer",
                    "name": "Pino Producer",
                    "partner_id": Partner.create({"name": "Pino Producer", "parent_id": cls.producer_a.id}).id,
                    "groups_id": [Command.set([portal, group("welfare_network.group_welfare_portal_producer").id])],
                }
            ),
            "hr_referent": new_test_user(
                cls.env,
                login="acl_hr",
                groups="welfare_network.group_welfare_hr_referent",
                welfare_employer_id=cls.employer_a.id,
            ),
            "backoffice": new_test_user(
                cls.env, login="acl_backoffice", groups="welfare_network.group_welfare_backoffice"
            ),
            "manager": new_test_user(cls.env, login="acl_manager", groups="welfare_network.group_welfare_manager"),
            "accountant": new_test_user(cls.env, login="acl_accountant", groups="account.group_account_invoice"),
            "salesman": new_test_user(cls.env, login="acl_salesman", groups="sales_team.group_sale_salesman"),
        }
        salesman = cls.users["salesman"]

        # --- the network -----------------------------------------------------------
        cls.ambit_spare = cls.env["welfare.ambit"].create({"name": "Ambito di prova", "code": "ACLX"})
        cls.municipality = cls.env["welfare.municipality"].create(
            {"name": "Comune di prova", "ambit_id": cls.ambit_vc.id}
        )
        cls.category_spare = cls.env["welfare.service.category"].create(
            {"name": "Categoria di prova", "code": "ACL_SPARE"}
        )
        Company = Partner.with_context(tracking_disable=True)
        members = Company.create(
            [
                {"name": f"Socio {n}", "is_company": True, "welfare_member_type": "company"}
                for n in ("in revisione", "attivo", "sospeso", "nuovo")
            ]
        )
        cls.member_new = members[3]
        Membership = cls.env["welfare.membership"]
        pact = {"date_signed": today, "pact_file": b"JVBERi0gcGF0dG8="}
        cls.membership_own = Membership.create({"partner_id": cls.employer_a.id})
        cls.membership_other = Membership.create({"partner_id": cls.employer_b.id})
        cls.membership_review = Membership.create({"partner_id": members[0].id, "state": "review", **pact})
        cls.membership_active = Membership.create(
            {"partner_id": members[1].id, "state": "active", "suspension_reason": "Quote non versate", **pact}
        )
        cls.membership_suspended = Membership.create({"partner_id": members[2].id, "state": "suspended", **pact})
        cls.convention_draft = cls.env["welfare.convention"].create(
            {
                "partner_id": cls.provider.id,
                "commission_percent": 4.0,
                "signed_file": b"JVBERi0gY29udg==",
                "service_category_ids": [Command.set(cls.cat_infanzia.ids)],
            }
        )
        cls.convention_provider.termination_reason = "Fine della collaborazione"
        cls.convention_other = cls.conventions[1]  # Fattoria Beta's
        cls.certification = cls.certifications[2]  # Nido Test's
        cls.certification.write(
            {"reference": "REG-42", "evidence_file": b"JVBERi0gY2VydA==", "evidence_filename": "certificato.pdf"}
        )

        # --- listings --------------------------------------------------------------
        Template = cls.env["product.template"]
        # A provider submits a listing with its photo (a 1x1 PNG).
        photo = b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
        listing = {
            "list_price": 100.0,
            "type": "service",
            "welfare_category_id": cls.cat_nido.id,
            "image_1920": photo,
        }
        cls.listing_draft = Template.create({"name": "Nido estivo", "welfare_provider_id": cls.provider.id, **listing})
        cls.listing_submitted = Template.create(
            {"name": "Nido serale", "welfare_provider_id": cls.provider.id, **listing}
        )
        cls.listing_submitted.action_welfare_submit()
        cls.listing_other = Template.create(
            {
                "name": "Uova di Fattoria Beta",
                "list_price": 4.0,
                "type": "consu",
                "welfare_provider_id": cls.producer_b.id,
                "welfare_category_id": cls.cat_km0.id,
            }
        )

        # --- money: vouchers, redemptions, settlements, a cart holding credit --------
        Voucher = cls.env["welfare.voucher"]
        cls.voucher_km0 = cls.issue(cls.fund_employer, cls.worker_m, 20.0)
        cls.order_km0 = cls.cart(cls.worker_m, (cls.listing_a, 1))
        cls.order_km0._welfare_apply_credit()  # paid in full: confirmed, spent at Cascina Alfa
        cls.voucher_used = cls.issue(cls.fund_grant, cls.worker_m, 150.0)
        # The provider's in-person uses (the producer's shop sale waits for its own invoice).
        period = {
            "date_from": today - relativedelta(days=1),
            "date_to": today,
            "provider_ids": [Command.set(cls.provider.ids)],
        }
        Settlement = cls.env["welfare.settlement"]
        Voucher._redeem_at_provider(cls.voucher_used.code, cls.provider, cls.cat_nido, 50.0)
        cls.settlement_confirmed = Settlement.create(period)
        cls.settlement_confirmed.action_compute()
        cls.settlement_confirmed.action_confirm()
        Voucher._redeem_at_provider(cls.voucher_used.code, cls.provider, cls.cat_nido, 50.0)
        cls.settlement_computed = Settlement.create(period)
        cls.settlement_computed.action_compute()
        cls.move_own = Voucher._redeem_at_provider(cls.voucher_used.code, cls.provider, cls.cat_nido, 50.0)
        cls.settlement_draft = Settlement.create(period)
        # Employer welfare (c.2) spent in person: a service voucher, recharged to the employer.
        voucher_c2 = cls.issue(cls.fund_c2, cls.worker_m, 700.0)
        Voucher._redeem_at_provider(
            voucher_c2.code,
            cls.provider,
            cls.cat_nido,
            cls.listing_nido._welfare_redeem_price(cls.provider, cls.cat_nido),
            listing=cls.listing_nido,
        )
        cls.voucher_cart = cls.issue(cls.fund_grant, cls.worker_m, 300.0)
        cls.order_cart = cls.cart(cls.worker_m, (cls.listing_nido, 1))
        cls.order_cart.user_id = salesman
        cls.order_cart._welfare_apply_credit(confirm=False)
        cls.hold = cls.order_cart.welfare_hold_ids[:1]
        cls.voucher_own = cls.issue(cls.fund_employer, cls.worker_m, 30.0)  # unused, held nowhere
        cls.voucher_other = cls.issue(cls.fund_grant, cls.worker_b, 100.0)
        cls.move_other = cls.voucher_other.move_ids[:1]  # its issue
        cls.env["welfare.voucher.pin"]._new_pin(cls.voucher_own)
        cls.pin = cls.env["welfare.voucher.pin"].search([("voucher_id", "=", cls.voucher_own.id)])
        cls.attempt = cls.env["welfare.redeem.attempt"]._record_failure(cls.users["provider"], cls.provider, "10.0.0.1")

        # --- funds and campaigns ---------------------------------------------------
        cls.fund_draft = cls.env["welfare.fund"].create(
            {
                "name": "Fondo in bozza",
                "fund_type": "regional_grant",
                "call_reference": "Bando di test",
                "funder_id": cls.funder.id,
                "budget": 500.0,
                "date_start": today,
                "date_end": today + relativedelta(months=6),
                "category_ids": [Command.set(cls.cat_sad.ids)],
            }
        )
        campaign = {
            "fund_id": cls.fund_grant.id,
            "employer_ids": [Command.set(cls.employer_a.ids)],
            "amount_fixed": 10.0,
            "send_email": False,
            "date_end": today + relativedelta(months=2),
        }
        # --- payroll and tax: regulations, declarations, other benefits, bonus choices --
        cls.worker_category = cls.env.ref("welfare_network.worker_category_impiegato")
        Regulation = cls.env["welfare.regulation"]
        cls.regulation_own = Regulation.create(
            {"name": "Regolamento A", "employer_id": cls.employer_a.id, "date": today}
        )
        cls.regulation_other = Regulation.create(
            {"name": "Regolamento B", "employer_id": cls.employer_b.id, "date": today}
        )
        cls.c3_ceiling = cls.env["welfare.c3.ceiling"].create(
            {"year": 2099, "amount": 1000.0, "amount_with_children": 2000.0, "legal_reference": "Test"}
        )
        Child = cls.env["welfare.family.member"]
        cls.declared_child_m, cls.declared_child_b = Child.create(
            [
                {
                    "name": f"Figlio {worker.name}",
                    "worker_id": worker.id,
                    "relation": "child",
                    "birth_date": date(2016, 3, 3),
                    "fiscalcode": make_fiscalcode(code, "FGL", date(2016, 3, 3)),
                }
                for worker, code in ((cls.worker_m, "MMM"), (cls.worker_b, "BBB"))
            ]
        )
        Declaration = cls.env["welfare.c3.declaration"]
        cls.declaration_own, cls.declaration_other = Declaration.create(
            [
                {
                    "worker_id": child.worker_id.id,
                    "year": today.year,
                    "line_ids": [Command.create({"child_id": child.id})],
                }
                for child in (cls.declared_child_m, cls.declared_child_b)
            ]
        )
        Benefit = cls.env["welfare.fringe.benefit"]
        cls.benefit_own, cls.benefit_other = Benefit.create(
            [
                {"worker_id": worker.id, "name": "Auto aziendale", "date": today, "amount": 300.0}
                for worker in (cls.worker_m, cls.worker_b)
            ]
        )
        Choice = cls.env["welfare.bonus.conversion"]
        cls.choice_own, cls.choice_other = Choice.create(
            [
                {"worker_id": worker.id, "bonus_amount": 1000.0, "amount": 500.0}
                for worker in (cls.worker_m, cls.worker_b)
            ]
        )

        Campaign = cls.env["welfare.campaign"]
        cls.campaign_draft = Campaign.create({"name": "Campagna in bozza", **campaign})
        cls.campaign_ready = Campaign.create({"name": "Campagna pronta", **campaign})
        cls.campaign_ready.action_prepare()
        cls.campaign_done = cls.voucher_other.campaign_id

        # --- a worker's orders and invoices ----------------------------------------
        def confirmed_order():
            order = cls.cart(cls.worker_m, (cls.listing_nido, 1))
            order.user_id = salesman
            order.action_confirm()
            return order

        cls.order_confirmed = confirmed_order()
        cls.order_draft = cls.cart(cls.worker_m, (cls.listing_b, 1))
        cls.order_draft.user_id = salesman
        cls.invoice_draft = confirmed_order()._create_invoices()
        cls.invoice_posted = confirmed_order()._create_invoices()
        cls.invoice_posted.action_post()

    # ------------------------------------------------------------------------------
    # probes: what each operation of a row does, as the user of a column
    # ------------------------------------------------------------------------------
    @staticmethod
    def _read(fields):
        def probe(record):
            found = record.search([("id", "=", record.id)])
            record.read(fields)
            if not found:
                raise AssertionError(f"{record} is readable but hidden from search")

        return probe

    @staticmethod
    def _read_field(field):
        return lambda record: record.read([field])

    @staticmethod
    def _filter(field):
        return lambda record: record.search([(field, "=", True)])

    @staticmethod
    def _create(vals):
        return lambda record: record.browse().create(vals)

    @staticmethod
    def _write(vals):
        return lambda record: record.write(vals)

    @staticmethod
    def _unlink(record):
        record.unlink()

    @staticmethod
    def _call(method, *args):
        return lambda record: getattr(record, method)(*args)

    @staticmethod
    def _invoice_order(order):
        wizard = (
            order.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "delivered"})
        )
        wizard.create_invoices()
        if not order.sudo().invoice_ids:
            raise AssertionError("no invoice")

    @staticmethod
    def _reverse_invoice(invoice):
        wizard = (
            invoice.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.sudo().journal_id.id, "date": Date.today()})
        )
        wizard.reverse_moves()

    def _recharge_employer(self, fund):
        wizard = fund.env["welfare.fund.recharge"].create(
            {"fund_id": fund.id, "date_from": self.today.replace(day=1), "date_to": self.today}
        )
        wizard.action_invoice()

    def _register_advance(self, fund):
        # The employer's payment, registered by the system as accounting would.
        register_employer_payment(self.env, fund.sudo().employer_id, 100.0)
        wizard = fund.env["welfare.fund.advance"].create({"fund_id": fund.id, "operation": "receive", "amount": 100.0})
        wizard.action_post()

    def _print_fund_statement(self, fund):
        period = {"date_from": self.today - relativedelta(days=30), "date_to": self.today}
        fund.env["welfare.fund.statement"].create({"fund_id": fund.id, **period}).action_print()
        fund.env["ir.actions.report"]._render_qweb_html(
            "welfare_voucher.action_report_welfare_fund_statement",
            fund.ids,
            data={key: str(value) for key, value in period.items()},
        )

    def _download_fund_statement(self, fund):
        period = {"date_from": self.today - relativedelta(days=30), "date_to": self.today}
        fund.env["welfare.fund.statement"].create({"fund_id": fund.id, **period}).action_download_xlsx()

    def _print_worker_statement(self, worker):
        worker.env["welfare.worker.statement"].create(
            {"worker_ids": [Command.set(worker.ids)], "year": self.today.year}
        ).action_print()
        worker.env["ir.actions.report"]._render_qweb_html(
            "welfare_voucher.action_report_worker_c3_statement", worker.ids, data={"year": self.today.year}
        )

    @staticmethod
    def _reject_listing(listing):
        wizard = listing.env["welfare.listing.reject"].create(
            {"template_ids": [Command.set(listing.ids)], "reason": "Foto mancante"}
        )
        wizard.action_reject()

    def _probes(self):
        """{(model, operation): (sample record, probe)}: the probe is called with the
        sample as the role's user."""
        today = self.today
        worker_vals = {
            "name": "Nuovo Assunto",
            "is_welfare_worker": True,
            "fiscalcode": make_fiscalcode("NVS", "SNT", date(1994, 4, 4)),
            "welfare_employer_id": self.employer_a.id,
        }
        r, w, c, u = self._read, self._write, self._create, self._unlink
        call = self._call
        probes = {
            # --- network ---------------------------------------------------------------
            ("welfare.ambit", "read"): (self.ambit_vc, r(["name", "code"])),
            ("welfare.ambit", "create"): (self.ambit_vc, c({"name": "Ambito nuovo", "code": "ACLN"})),
            ("welfare.ambit", "write"): (self.ambit_spare, w({"name": "Ambito rinominato"})),
            ("welfare.ambit", "unlink"): (self.ambit_spare, u),
            ("welfare.municipality", "read"): (self.municipality, r(["name", "ambit_id"])),
            ("welfare.municipality", "create"): (self.municipality, c({"name": "Comune nuovo"})),
            ("welfare.municipality", "write"): (self.municipality, w({"zip": "24069"})),
            ("welfare.municipality", "unlink"): (self.municipality, u),
            ("welfare.membership", "read"): (self.membership_own, r(["name", "state", "employee_count"])),
            ("welfare.membership", "create"): (self.membership_own, c({"partner_id": self.member_new.id})),
            ("welfare.membership", "write"): (self.membership_own, w({"employee_count": 12})),
            ("welfare.membership", "unlink"): (self.membership_own, u),
            ("welfare.membership", "action_submit"): (self.membership_own, call("action_submit")),
            ("welfare.membership", "action_activate"): (self.membership_review, call("action_activate")),
            ("welfare.membership", "action_reset_to_draft"): (self.membership_review, call("action_reset_to_draft")),
            ("welfare.membership", "action_suspend"): (self.membership_active, call("action_suspend")),
            ("welfare.membership", "action_resume"): (self.membership_suspended, call("action_resume")),
            ("welfare.membership", "action_end"): (self.membership_active, call("action_end")),
            ("welfare.membership#other employer", "read"): (self.membership_other, r(["name", "state"])),
            ("welfare.family.member", "read"): (self.child_m, r(["name", "relation", "birth_date", "is_dependent"])),
            ("welfare.family.member", "read is_non_self_sufficient"): (
                self.child_m,
                self._read_field("is_non_self_sufficient"),
            ),
            ("welfare.family.member", "filter is_non_self_sufficient"): (
                self.child_m,
                self._filter("is_non_self_sufficient"),
            ),
            ("welfare.family.member", "create"): (
                self.child_m,
                c({"worker_id": self.worker_m.id, "name": "Nuovo Nato", "relation": "child", "birth_date": today}),
            ),
            ("welfare.family.member", "write"): (self.child_m, w({"name": "Mia Matrice Rossi"})),
            ("welfare.family.member", "unlink"): (self.child_m, u),
            ("welfare.family.member#other worker", "read"): (self.parent_b, r(["name", "relation"])),
            ("welfare.family.member#other worker", "write"): (self.parent_b, w({"name": "Dario B."})),
            ("welfare.convention", "read"): (self.convention_provider, r(["name", "state", "commission_percent"])),
            ("welfare.convention", "create"): (
                self.convention_provider,
                c({"partner_id": self.provider.id, "commission_percent": 3.0, "date_start": today}),
            ),
            ("welfare.convention", "write"): (
                self.convention_provider,
                w({"date_end": today + relativedelta(months=3)}),
            ),
            ("welfare.convention", "unlink"): (self.convention_draft, u),
            ("welfare.convention", "action_activate"): (self.convention_draft, call("action_activate")),
            ("welfare.convention", "action_terminate"): (self.convention_provider, call("action_terminate")),
            ("welfare.convention#active", "unlink"): (self.convention_provider, u),
            ("welfare.convention#other provider", "read"): (self.convention_other, r(["name", "state"])),
            ("welfare.certification", "read"): (
                self.certification,
                r(["name", "kind", "issuer", "date_valid_until", "is_expired"]),
            ),
            ("welfare.certification", "read reference"): (self.certification, self._read_field("reference")),
            ("welfare.certification", "read evidence_file"): (self.certification, self._read_field("evidence_file")),
            ("welfare.certification", "create"): (
                self.certification,
                c({"partner_id": self.provider.id, "name": "Bilancio sociale", "kind": "social", "issuer": "ACLI"}),
            ),
            ("welfare.certification", "write"): (self.certification, w({"issuer": "ICEA Italia"})),
            ("welfare.certification", "unlink"): (self.certification, u),
            ("res.partner#worker", "read"): (self.worker_m, r(["name", "email", "is_welfare_worker"])),
            ("res.partner#worker", "read fiscalcode"): (self.worker_m, self._read_field("fiscalcode")),
            ("res.partner#worker", "read welfare_employer_id"): (
                self.worker_m,
                self._read_field("welfare_employer_id"),
            ),
            ("res.partner#worker", "read welfare_hire_date"): (self.worker_m, self._read_field("welfare_hire_date")),
            ("res.partner#worker", "read welfare_family_member_count"): (
                self.worker_m,
                self._read_field("welfare_family_member_count"),
            ),
            ("res.partner#worker", "create"): (self.worker_m, c(worker_vals)),
            ("res.partner#worker", "write"): (self.worker_m, w({"phone": "+39 035 000000"})),
            ("res.partner#worker", "unlink"): (self.worker_spare, u),
            ("res.partner#other employer's worker", "read"): (self.worker_b, r(["name", "email"])),
            ("res.partner#other employer's worker", "write"): (self.worker_b, w({"phone": "+39 035 111111"})),
            ("res.users#worker", "read fiscalcode"): (self.users["worker"], self._read_field("fiscalcode")),
            # --- catalog ---------------------------------------------------------------
            ("welfare.service.category", "read"): (self.cat_km0, r(["name", "fiscal_basis", "eligibility"])),
            ("welfare.service.category", "create"): (self.cat_km0, c({"name": "Categoria nuova", "code": "ACL_NEW"})),
            ("welfare.service.category", "write"): (self.category_spare, w({"name": "Categoria rinominata"})),
            ("welfare.service.category", "unlink"): (self.category_spare, u),
            ("product.template#listing", "read"): (
                self.listing_draft,
                r(["name", "list_price", "welfare_listing_state"]),
            ),
            ("product.template#listing", "create"): (
                self.listing_draft,
                c(
                    {
                        "name": "Nido festivo",
                        "list_price": 80.0,
                        "type": "service",
                        "welfare_provider_id": self.provider.id,
                        "welfare_category_id": self.cat_nido.id,
                    }
                ),
            ),
            ("product.template#listing", "write"): (self.listing_draft, w({"list_price": 120.0})),
            ("product.template#listing", "unlink"): (self.listing_draft, u),
            ("product.template#listing", "action_welfare_submit"): (self.listing_draft, call("action_welfare_submit")),
            ("product.template#listing", "action_welfare_withdraw"): (
                self.listing_submitted,
                call("action_welfare_withdraw"),
            ),
            ("product.template#listing", "action_welfare_publish"): (
                self.listing_submitted,
                call("action_welfare_publish"),
            ),
            ("product.template#listing", "action_welfare_reject"): (
                self.listing_submitted,
                call("action_welfare_reject", "Foto mancante"),
            ),
            ("welfare.listing.reject", "action_reject"): (self.listing_submitted, self._reject_listing),
            ("product.template#other seller's listing", "read"): (self.listing_other, r(["name", "list_price"])),
            ("sale.order.line#confirmed order", "read"): (
                self.order_confirmed.order_line[:1],
                r(["name", "product_uom_qty", "price_total"]),
            ),
            ("sale.order.line#cart", "read"): (self.order_cart.order_line[:1], r(["name", "product_uom_qty"])),
            # --- vouchers --------------------------------------------------------------
            ("welfare.fund", "read"): (self.fund_grant, r(["name", "budget", "state", "amount_available"])),
            ("welfare.fund", "create"): (
                self.fund_grant,
                c(
                    {
                        "name": "Fondo nuovo",
                        "call_reference": "Bando nuovo",
                        "funder_id": self.funder.id,
                        "budget": 100.0,
                        "date_end": today + relativedelta(months=6),
                        "category_ids": [Command.set(self.cat_sad.ids)],
                    }
                ),
            ),
            ("welfare.fund", "write"): (self.fund_grant, w({"budget": 1500.0})),
            # --- payroll and tax ------------------------------------------------------
            ("welfare.worker.category", "read"): (self.worker_category, r(["name", "code"])),
            ("welfare.worker.category", "create"): (
                self.worker_category,
                c({"name": "Apprendisti", "code": "apprendista"}),
            ),
            ("welfare.worker.category", "write"): (self.worker_category, w({"name": "Impiegati e impiegate"})),
            ("welfare.worker.category", "unlink"): (self.worker_category, u),
            ("welfare.regulation", "read"): (self.regulation_own, r(["name", "scope", "employer_id"])),
            ("welfare.regulation#other employer's", "read"): (self.regulation_other, r(["name"])),
            ("welfare.regulation", "create"): (
                self.regulation_own,
                c({"name": "Nuovo regolamento", "employer_id": self.employer_a.id, "date": today}),
            ),
            ("welfare.regulation", "write"): (self.regulation_own, w({"name": "Regolamento A (2027)"})),
            ("welfare.regulation", "unlink"): (self.regulation_own, u),
            ("welfare.c3.ceiling", "read"): (self.c3_ceiling, r(["year", "amount", "amount_with_children"])),
            ("welfare.c3.ceiling", "create"): (
                self.c3_ceiling,
                c({"year": 2098, "amount": 1000.0, "amount_with_children": 2000.0, "legal_reference": "Test"}),
            ),
            ("welfare.c3.ceiling", "write"): (self.c3_ceiling, w({"amount": 1200.0})),
            ("welfare.c3.ceiling", "unlink"): (self.c3_ceiling, u),
            ("welfare.c3.declaration", "read"): (self.declaration_own, r(["year", "worker_id", "line_ids"])),
            ("welfare.c3.declaration#other employer's worker", "read"): (self.declaration_other, r(["year"])),
            ("welfare.c3.declaration", "create"): (
                self.declaration_own,
                c(
                    {
                        "worker_id": self.worker_m.id,
                        "year": today.year + 1,
                        "line_ids": [Command.create({"child_id": self.declared_child_m.id, "income": 100.0})],
                    }
                ),
            ),
            ("welfare.c3.declaration", "write"): (self.declaration_own, w({"date": today - relativedelta(days=1)})),
            ("welfare.c3.declaration", "unlink"): (self.declaration_own, u),
            ("welfare.c3.declaration.line", "read"): (self.declaration_own.line_ids, r(["child_id", "fiscalcode"])),
            ("welfare.c3.declaration.line#other employer's worker", "read"): (
                self.declaration_other.line_ids,
                r(["child_id"]),
            ),
            ("welfare.fringe.benefit", "read"): (self.benefit_own, r(["name", "amount", "year"])),
            ("welfare.fringe.benefit#other employer's worker", "read"): (self.benefit_other, r(["name"])),
            ("welfare.fringe.benefit", "create"): (
                self.benefit_own,
                c({"worker_id": self.worker_m.id, "name": "Buoni carburante", "date": today, "amount": 50.0}),
            ),
            ("welfare.fringe.benefit", "write"): (self.benefit_own, w({"amount": 350.0})),
            ("welfare.fringe.benefit", "unlink"): (self.benefit_own, u),
            ("welfare.bonus.conversion", "read"): (self.choice_own, r(["amount", "state", "year"])),
            ("welfare.bonus.conversion#other employer's worker", "read"): (self.choice_other, r(["amount"])),
            ("welfare.bonus.conversion", "create"): (
                self.choice_own,
                c({"worker_id": self.worker_m.id, "bonus_amount": 800.0, "amount": 200.0}),
            ),
            ("welfare.bonus.conversion", "write"): (self.choice_own, w({"amount": 400.0})),
            ("welfare.bonus.conversion", "write state"): (self.choice_own, w({"state": "issued"})),
            ("welfare.bonus.conversion", "unlink"): (self.choice_own, u),
            ("welfare.bonus.conversion", "action_confirm"): (self.choice_own, call("action_confirm")),
            ("welfare.fund", "write voucher_ids (a new voucher)"): (
                self.fund_grant,
                w(
                    {
                        "voucher_ids": [
                            Command.create(
                                {
                                    "worker_id": self.worker_m.id,
                                    "value": 1000.0,
                                    "date_start": today,
                                    "date_end": today + relativedelta(months=1),
                                }
                            )
                        ]
                    }
                ),
            ),
            ("welfare.fund", "unlink"): (self.fund_draft, u),
            ("welfare.fund", "action_open"): (self.fund_draft, call("action_open")),
            ("welfare.fund", "action_close"): (self.fund_employer, call("action_close")),
            ("welfare.fund#open", "unlink"): (self.fund_employer, u),
            ("welfare.fund.recharge", "action_invoice"): (self.fund_c2, self._recharge_employer),
            ("welfare.fund.advance", "action_post"): (self.fund_c2, self._register_advance),
            ("welfare.fund.statement", "action_print (and the report)"): (self.fund_grant, self._print_fund_statement),
            ("welfare.fund.statement", "action_download_xlsx"): (self.fund_grant, self._download_fund_statement),
            ("welfare.worker.statement", "action_print (and the report)"): (
                self.worker_m,
                self._print_worker_statement,
            ),
            ("welfare.worker.statement#other employer's worker", "action_print (and the report)"): (
                self.worker_b,
                self._print_worker_statement,
            ),
            ("welfare.campaign", "read"): (self.campaign_done, r(["name", "state", "amount_total"])),
            ("welfare.campaign", "create"): (
                self.campaign_draft,
                c(
                    {
                        "name": "Campagna nuova",
                        "fund_id": self.fund_grant.id,
                        "date_end": today + relativedelta(days=30),
                    }
                ),
            ),
            ("welfare.campaign", "write"): (self.campaign_draft, w({"name": "Campagna rinominata"})),
            ("welfare.campaign", "unlink"): (self.campaign_draft, u),
            ("welfare.campaign", "action_prepare"): (self.campaign_draft, call("action_prepare")),
            ("welfare.campaign", "action_issue"): (self.campaign_ready, call("action_issue")),
            ("welfare.campaign", "action_undo"): (self.campaign_done, call("action_undo")),
            ("welfare.campaign#issued", "unlink"): (self.campaign_done, u),
            ("welfare.campaign.line", "read"): (self.campaign_done.line_ids[:1], r(["worker_id", "amount", "state"])),
            ("welfare.campaign.line", "create"): (
                self.campaign_done.line_ids[:1],
                c({"campaign_id": self.campaign_draft.id, "worker_id": self.worker_m.id, "amount": 500.0}),
            ),
            ("welfare.campaign.line", "write"): (self.campaign_ready.line_ids[:1], w({"amount": 999.0})),
            ("welfare.campaign.line", "unlink"): (self.campaign_ready.line_ids[:1], u),
            ("welfare.voucher", "read"): (self.voucher_own, r(["value", "balance", "state", "date_end"])),
            ("welfare.voucher", "read code"): (self.voucher_own, self._read_field("code")),
            ("welfare.voucher", "create"): (
                self.voucher_own,
                c(
                    {
                        "worker_id": self.worker_m.id,
                        "fund_id": self.fund_grant.id,
                        "value": 1000.0,
                        "date_start": today,
                        "date_end": today + relativedelta(months=1),
                    }
                ),
            ),
            ("welfare.voucher", "write"): (self.voucher_own, w({"date_end": today + relativedelta(years=5)})),
            ("welfare.voucher", "write move_ids (a new ledger line)"): (
                self.voucher_own,
                w({"move_ids": [Command.create({"move_type": "adjustment", "amount": 500.0, "reason": "Regalo"})]}),
            ),
            ("welfare.voucher", "unlink"): (self.voucher_own, u),
            ("welfare.voucher", "action_cancel"): (self.voucher_own, call("action_cancel")),
            ("welfare.voucher", "action_send_email"): (self.voucher_own, call("action_send_email")),
            ("welfare.voucher#other worker", "read"): (self.voucher_other, r(["value", "balance"])),
            ("welfare.voucher.move", "read"): (self.move_own, r(["move_type", "amount", "date", "reason"])),
            ("welfare.voucher.move", "create"): (
                self.move_own,
                c({"voucher_id": self.voucher_own.id, "move_type": "adjustment", "amount": 500.0, "reason": "Regalo"}),
            ),
            ("welfare.voucher.move", "write"): (self.move_own, w({"amount": -1.0})),
            ("welfare.voucher.move", "unlink"): (self.move_own, u),
            ("welfare.voucher.move#other worker", "read"): (self.move_other, r(["move_type", "amount"])),
            ("welfare.voucher.hold", "read"): (self.hold, r(["amount", "voucher_id", "sale_order_id"])),
            ("welfare.voucher.hold", "create"): (
                self.hold,
                c(
                    {
                        "voucher_id": self.voucher_own.id,
                        "sale_order_id": self.order_cart.id,
                        "sale_order_line_id": self.order_cart.order_line[:1].id,
                        "transaction_id": self.hold.transaction_id.id,
                        "amount": 30.0,
                    }
                ),
            ),
            ("welfare.voucher.hold", "write"): (self.hold, w({"amount": 1.0})),
            ("welfare.voucher.hold", "unlink"): (self.hold, u),
            ("welfare.voucher.pin", "read"): (self.pin, r(["voucher_id", "expires_at", "used_at"])),
            ("welfare.voucher.pin", "read pin_hash"): (self.pin, self._read_field("pin_hash")),
            ("welfare.voucher.pin", "create"): (
                self.pin,
                c({"voucher_id": self.voucher_own.id, "pin_hash": "0" * 64, "expires_at": "2999-01-01 00:00:00"}),
            ),
            ("welfare.voucher.pin", "write"): (self.pin, w({"used_at": False, "expires_at": "2999-01-01 00:00:00"})),
            ("welfare.voucher.pin", "unlink"): (self.pin, u),
            ("welfare.redeem.attempt", "read"): (self.attempt, r(["attempted_at", "user_id", "provider_id", "ip"])),
            ("welfare.redeem.attempt", "create"): (self.attempt, c({"provider_id": self.provider.id})),
            ("welfare.redeem.attempt", "write"): (self.attempt, w({"attempted_at": "2000-01-01 00:00:00"})),
            ("welfare.redeem.attempt", "unlink"): (self.attempt, u),
            ("welfare.settlement", "read"): (self.settlement_draft, r(["name", "state", "amount_due"])),
            ("welfare.settlement", "create"): (
                self.settlement_draft,
                c({"date_from": today - relativedelta(days=1), "date_to": today}),
            ),
            ("welfare.settlement", "write"): (self.settlement_draft, w({"date_from": today - relativedelta(days=7)})),
            ("welfare.settlement", "unlink"): (self.settlement_draft, u),
            ("welfare.settlement", "action_compute"): (self.settlement_draft, call("action_compute")),
            ("welfare.settlement", "action_confirm"): (self.settlement_computed, call("action_confirm")),
            ("welfare.settlement#computed", "action_compute"): (self.settlement_computed, call("action_compute")),
            ("welfare.settlement", "action_cancel"): (self.settlement_confirmed, call("action_cancel")),
            ("welfare.settlement", "action_match_invoices"): (self.settlement_computed, call("action_match_invoices")),
            ("welfare.settlement", "action_release_unmatched"): (
                self.settlement_computed,
                call("action_release_unmatched"),
            ),
            ("welfare.settlement.line", "read"): (
                self.settlement_computed.line_ids[:1],
                r(["kind", "amount_total", "use_count"]),
            ),
            ("welfare.settlement.line", "create"): (
                self.settlement_computed.line_ids[:1],
                c(
                    {
                        "settlement_id": self.settlement_draft.id,
                        "provider_id": self.provider.id,
                        "kind": "third_party",
                        "amount_total": 1000.0,
                    }
                ),
            ),
            ("welfare.settlement.line", "write"): (self.settlement_computed.line_ids[:1], w({"amount_total": 1.0})),
            ("welfare.settlement.line", "unlink"): (self.settlement_computed.line_ids[:1], u),
            # --- a worker's orders and invoices -----------------------------------------
            ("sale.order#worker", "read"): (self.order_confirmed, r(["name", "state", "amount_total"])),
            ("sale.order#worker", "create"): (
                self.order_confirmed,
                c(
                    {
                        "partner_id": self.worker_m.id,
                        "order_line": [Command.create({"product_id": self.listing_b.product_variant_id.id})],
                    }
                ),
            ),
            ("sale.order#worker", "write"): (self.order_confirmed, w({"client_order_ref": "Telefonata"})),
            ("sale.order#worker", "write welfare_hold_ids (drop the held credit)"): (
                self.order_cart,
                w({"welfare_hold_ids": [Command.clear()]}),
            ),
            ("sale.order#worker", "unlink"): (self.order_draft, u),
            ("sale.order#worker", "action_confirm"): (self.order_cart, call("action_confirm")),
            ("sale.order#worker", "create invoice"): (self.order_confirmed, self._invoice_order),
            ("sale.order#worker", "action_cancel"): (self.order_confirmed, call("action_cancel")),
            ("account.move#worker invoice", "read"): (self.invoice_posted, r(["name", "state", "amount_total"])),
            ("account.move#worker invoice", "create"): (
                self.invoice_posted,
                c(
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.worker_m.id,
                        "invoice_line_ids": [Command.create({"name": "Retta", "quantity": 1, "price_unit": 10.0})],
                    }
                ),
            ),
            ("account.move#worker invoice", "write"): (self.invoice_draft, w({"ref": "Rif. cliente"})),
            ("account.move#worker invoice", "unlink"): (self.invoice_draft, u),
            ("account.move#worker invoice", "action_post"): (self.invoice_draft, call("action_post")),
            ("account.move#worker invoice", "reverse"): (self.invoice_posted, self._reverse_invoice),
            ("account.move#worker invoice", "button_draft"): (self.invoice_posted, call("button_draft")),
        }
        return probes

    def _run_cell(self, user, record, probe):
        """What happens when ``user`` runs ``probe`` on ``record``: ('allow' or 'deny' or
        'error', what was raised). Whatever the probe did is rolled back."""
        try:
            with self.env.cr.savepoint():
                probe(record.with_user(user))
                self.env.flush_all()
                raise _RollBack
        except _RollBack:
            return "allow", ""
        except ValidationError as e:  # the probe's values are wrong, not the rights
            return "error", f"{type(e).__name__}: {e}"
        except (AccessError, UserError) as e:
            return "deny", f"{type(e).__name__}: {e}"
        except Exception as e:  # reported as the cell's failure
            return "error", f"{type(e).__name__}: {e}"
        finally:
            self.env.invalidate_all()

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model", "odoo.sql_db")
    def test_access_matrix(self):
        matrix = load_matrix()
        probes = self._probes()
        self.assertEqual(
            sorted(set(matrix) - set(probes)), [], "rows of access_matrix.csv without a probe in this test"
        )
        self.assertEqual(sorted(set(probes) - set(matrix)), [], "probes without a row in access_matrix.csv")
        welfare_models = {
            model.model
            for model in self.env["ir.model"].search([("model", "=like", "welfare.%")])
            if not self.env[model.model]._abstract
        }
        self.assertEqual(
            sorted(welfare_models - {model.split("#")[0] for model, _operation in matrix}),
            [],
            "welfare models without a row in access_matrix.csv",
        )
        for (model, operation), (record, probe) in probes.items():
            for role in ROLES:
                expected = matrix[model, operation][role]
                with self.subTest(model=model, operation=operation, role=role):
                    outcome, raised = self._run_cell(self.users[role], record, probe)
                    self.assertEqual(
                        outcome, TODAY[expected], f"{role} / {model} / {operation}: {expected} expected. {raised}"
                    )

    # ------------------------------------------------------------------------------
    # the same rights, end to end
    # ------------------------------------------------------------------------------
    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model")
    def test_salesman_and_accountant_work_on_a_workers_order(self):
        """Without any welfare group, the salesman confirms a worker's cart paid with held
        welfare credit and invoices it; the accountant posts the invoice and reverses it,
        and the credit goes back to the voucher, once."""
        salesman, accountant = self.users["salesman"], self.users["accountant"]
        order = self.order_cart.with_user(salesman)
        self.assertEqual(order.read(["partner_id"])[0]["partner_id"][0], self.worker_m.id)
        self.assertAlmostEqual(self.voucher_cart.amount_held, 300.0)
        order.action_confirm()
        self.assertEqual(self.order_cart.state, "sale")
        self.assertAlmostEqual(self.voucher_cart.balance, 0.0, msg="the held credit is captured")
        self.assertAlmostEqual(order.welfare_amount, 300.0)
        self._invoice_order(order)
        invoice = self.order_cart.invoice_ids
        self.assertEqual(len(invoice), 1)
        with self.assertRaises(AccessError):
            invoice.with_user(salesman).action_post()  # posting is accounting's
        invoice.with_user(accountant).action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.with_user(salesman).read(["state"])[0]["state"], "posted")
        with self.assertRaises(AccessError):
            self._reverse_invoice(invoice.with_user(salesman))
        self._reverse_invoice(invoice.with_user(accountant))
        credit_note = self.order_cart.invoice_ids - invoice
        self.assertEqual(credit_note.move_type, "out_refund")
        if credit_note.state == "draft":
            credit_note.with_user(accountant).action_post()
        self.assertAlmostEqual(self.voucher_cart.balance, 300.0, msg="the credit note gives the credit back")
        credit_note.with_user(accountant).button_draft()
        credit_note.with_user(accountant).action_post()
        self.assertAlmostEqual(self.voucher_cart.balance, 300.0, msg="only once")

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_provider_reads_order_lines_of_confirmed_orders_only(self):
        """A worker's cart is nobody's business: the provider sees the lines of its listings
        once the order is confirmed, to fulfil it."""
        provider = self.users["provider"]
        Line = self.env["sale.order.line"].with_user(provider)
        cart_line = self.order_cart.order_line
        seen = Line.search([("product_id.product_tmpl_id", "=", self.listing_nido.id)])
        self.assertIn(self.order_confirmed.order_line, seen)
        self.assertNotIn(cart_line, seen)
        with self.assertRaises(AccessError):
            cart_line.with_user(provider).read(["name", "price_total"])
        self.order_cart.with_user(self.users["salesman"]).action_confirm()
        self.assertIn(cart_line, Line.search([("product_id.product_tmpl_id", "=", self.listing_nido.id)]))
        self.assertEqual(cart_line.with_user(provider).read(["product_uom_qty"])[0]["product_uom_qty"], 1.0)
        # Another seller's listings stay out of sight.
        self.assertFalse(self.env["sale.order.line"].with_user(self.users["producer"]).search([("id", "in", seen.ids)]))

    def _open(self, user, record, view_type):
        """Read ``record`` as the web client does to show it in its default view."""
        record = record.with_user(user)
        models = record.get_views([(False, view_type)])["models"]

        def specification(model, nested=False):
            spec = {}
            for name, field in models[model]["fields"].items():
                if field["type"] in ("one2many", "many2many") and field["relation"] in models and not nested:
                    spec[name] = {"fields": specification(field["relation"], nested=True)}
                elif field["type"] in ("many2one", "one2many", "many2many"):
                    spec[name] = {"fields": {"display_name": {}}}
                else:
                    spec[name] = {}
            return spec

        return record.web_read(specification(record._name))

    def test_each_role_opens_its_screens(self):
        """Field groups and narrower rights leave every role's own screens working."""
        cases = [
            ("salesman", self.worker_m, "form"),
            ("salesman", self.order_confirmed, "form"),
            ("accountant", self.worker_m, "form"),
            ("accountant", self.invoice_posted, "form"),
            ("accountant", self.settlement_computed, "form"),
            ("accountant", self.move_own, "list"),
            ("hr_referent", self.worker_m, "form"),
            ("hr_referent", self.child_m, "form"),
            ("hr_referent", self.child_m, "list"),
            ("hr_referent", self.voucher_own, "form"),
            ("backoffice", self.worker_m, "form"),
            ("backoffice", self.settlement_computed, "form"),
            ("backoffice", self.certification, "form"),
            ("backoffice", self.voucher_own, "form"),
        ]
        for role, record, view_type in cases:
            with self.subTest(role=role, model=record._name, view=view_type):
                self.assertEqual(self._open(self.users[role], record, view_type)[0]["id"], record.id)
        # What a role may not read is not even sent to it.
        hr_view = self._open(self.users["hr_referent"], self.child_m, "form")[0]
        self.assertNotIn("is_non_self_sufficient", hr_view)
        salesman_view = self._open(self.users["salesman"], self.worker_m, "form")[0]
        self.assertNotIn("fiscalcode", salesman_view)
        self.assertNotIn("welfare_family_member_ids", salesman_view)

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_contact_creation_does_not_register_workers(self):
        """Odoo gives internal users "Contact Creation" by default: a salesman with it edits
        customers, not welfare workers (who would receive the next campaign's vouchers)."""
        salesman = new_test_user(
            self.env, login="acl_salesman_contacts", groups="sales_team.group_sale_salesman,base.group_partner_manager"
        )
        Partner = self.env["res.partner"].with_user(salesman)
        customer = Partner.create({"name": "Cliente qualunque", "email": "cliente@example.com"})
        customer.write({"phone": "+39 035 222222"})
        delivery = Partner.create({"name": "Casa di Marta", "type": "delivery", "parent_id": self.worker_m.id})
        self.assertEqual(delivery.parent_id, self.worker_m)
        with self.assertRaises(AccessError):
            Partner.create(
                {
                    "name": "Lavoratore fantasma",
                    "is_welfare_worker": True,
                    "fiscalcode": make_fiscalcode("FNT", "LVR", date(1999, 9, 9)),
                    "welfare_employer_id": self.employer_a.id,
                }
            )
        for vals in ({"phone": "+39 035 333333"}, {"is_welfare_worker": False}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                self.worker_m.with_user(salesman).write(vals)
        with self.assertRaises(AccessError):
            self.worker_spare.with_user(salesman).unlink()
        self.assertTrue(self.worker_m.is_welfare_worker)
        # The back office (which has contact creation too) still registers workers.
        self.worker_m.with_user(self.users["backoffice"]).write({"phone": "+39 035 444444"})
