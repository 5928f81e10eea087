import io
from datetime import date

import openpyxl
from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.exceptions import AccessError, UserError
from odoo.fields import Date
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import format_amount

from odoo.addons.welfare_network.tests.common import make_fiscalcode

from .common import WelfareVoucherCommon


@tagged("post_install", "-at_install")
class TestFundReporting(WelfareVoucherCommon):
    """The regional call's rendicontazione: the funder's statement of a grant for a
    period gives the workers reached against the fund's target, by residence ambit, by
    member and by service category, and the credit issued, spent, co-paid by the workers,
    still open and lapsed, the same figures in the PDF and in the XLSX.

    The scenario, on the grant (target 4 workers):

    - Alda (Val Cavallina, Coop Alfa): 300 spent on a 610 nursery fee, the 310 left she
      pays herself (co-payment);
    - Bruno (Basso Sebino, Coop Beta): 200, of which 50 redeemed at a social
      cooperative outside the network's ambits, the 150 left lapses when it expires;
    - Carla (Basso Sebino, Coop Alfa): 100 not spent yet (open)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = Date.today()
        cls.today = today
        cls.fund_grant.target_worker_count = 4
        Partner = cls.env["res.partner"]
        cls.worker_c = Partner.create(
            {
                "name": "Carla Colombo",
                "is_welfare_worker": True,
                "fiscalcode": make_fiscalcode("CLM", "CRL", date(1990, 4, 21), female=True),
                "welfare_employer_id": cls.employer_a.id,
                "city": "Villongo",
                "email": "carla@example.com",
            }
        )
        cls.coop_sole = Partner.create(
            {"name": "Cooperativa Sole", "is_company": True, "welfare_member_type": "social_coop", "city": "Bergamo"}
        )
        # Alda: a nursery fee partly paid with the grant, the rest by herself.
        cls.voucher_a = cls.issue(cls.fund_grant, cls.worker_a, 300.0)
        cls.order = cls.cart(cls.worker_a, (cls.listing_nido, 1))
        cls.order._welfare_apply_credit()
        cls.order.action_confirm()  # the nursery collects the rest
        # Bruno: an in-person service at a social cooperative, the rest lapses.
        cls.voucher_b = cls.issue(cls.fund_grant, cls.worker_b, 200.0, date_end=today + relativedelta(days=5))
        cls.voucher_b._redeem(
            50.0, cls.cat_sad, "note", reason_params={"note": "Assistenza domiciliare"}, provider_id=cls.coop_sole.id
        )
        with freeze_time(today + relativedelta(days=6)):
            cls.env["welfare.voucher"]._cron_lapse_and_remind()
        # Carla: nothing spent yet.
        cls.voucher_c = cls.issue(cls.fund_grant, cls.worker_c, 100.0)
        cls.date_from = today - relativedelta(days=30)
        cls.date_to = today + relativedelta(days=10)
        cls.user_accountant = new_test_user(
            cls.env, login="fund_accountant", groups="base.group_user,account.group_account_invoice"
        )

    def _wizard(self, user=None, date_from=None, date_to=None):
        env = self.env(user=user) if user else self.env
        return env["welfare.fund.statement"].create(
            {
                "fund_id": self.fund_grant.id,
                "date_from": date_from or self.date_from,
                "date_to": date_to or self.date_to,
            }
        )

    def _money(self, amount):
        return format_amount(self.env, amount, self.fund_grant.currency_id).replace("\xa0", " ")

    # ------------------------------------------------------------------------------
    # the figures
    # ------------------------------------------------------------------------------
    def test_scenario(self):
        self.assertEqual(self.order.state, "sale")
        self.assertEqual(self.order.amount_total, 610.0)
        self.assertEqual(self.order.welfare_amount, 300.0)
        self.assertEqual(self.voucher_b.state, "expired")
        self.assertEqual(self.worker_a.welfare_ambit_id, self.ambit_vc)
        self.assertEqual((self.worker_b | self.worker_c).welfare_ambit_id, self.ambit_bs)
        self.assertFalse(self.coop_sole.welfare_ambit_id)

    def test_statement_figures(self):
        values = self.env["report.welfare_voucher.report_welfare_fund_statement"]._fund_statement_values(
            self.fund_grant, self.date_from, self.date_to
        )
        self.assertEqual(self.fund_grant._statement_values(self.date_from, self.date_to)["copay"], 310.0)
        expected_totals = {
            "workers_with_voucher": 3,
            "workers_reached": 2,
            "issued": 600.0,
            "spent": 350.0,
            "copay": 310.0,
            "open": 100.0,
            "lapsed": 150.0,
        }
        self.assertEqual({key: values[key] for key in expected_totals}, expected_totals)
        self.assertEqual(values["target"], 4)
        self.assertAlmostEqual(values["target_percent"], 75.0)
        self.assertEqual(values["by_ambit"], self._expected_by_ambit())
        self.assertEqual(values["by_member"], self._expected_by_member())
        self.assertEqual(values["by_category"], self._expected_by_category())
        self.assertEqual(values["by_provider"], [(self.provider.name, 300.0), ("Cooperativa Sole", 50.0)])
        self.assertEqual(values["km0"], (0.0, 0.0))
        self.assertEqual(values["third_sector"][0], 50.0)
        self.assertAlmostEqual(values["third_sector"][1], 100.0 * 50 / 350)
        self.assertEqual(values["in_ambits"][0], 300.0)
        self.assertAlmostEqual(values["in_ambits"][1], 100.0 * 300 / 350)
        # A later period: nothing moved in it, the open balance is the one at its end.
        later = self.env["report.welfare_voucher.report_welfare_fund_statement"]._fund_statement_values(
            self.fund_grant, self.today + relativedelta(days=7), self.today + relativedelta(days=30)
        )
        self.assertEqual(
            {key: later[key] for key in expected_totals},
            {
                "workers_with_voucher": 3,
                "workers_reached": 0,
                "issued": 0.0,
                "spent": 0.0,
                "copay": 0.0,
                "open": 100.0,
                "lapsed": 0.0,
            },
        )

    def test_grouped_queries(self):
        """The figures come from grouped queries: as many whatever the number of
        workers, vouchers and co-paid orders."""
        Report = self.env["report.welfare_voucher.report_welfare_fund_statement"]

        def queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            Report._fund_statement_values(self.fund_grant, self.date_from, self.date_to)
            return self.env.cr.sql_log_count - before

        queries()  # warm the registry caches
        first = queries()
        worker_d = self.env["res.partner"].create(
            {
                "name": "Dino Donati",
                "is_welfare_worker": True,
                "fiscalcode": make_fiscalcode("DNT", "DNI", date(1982, 7, 9)),
                "welfare_employer_id": self.employer_b.id,
                "city": "Casazza",
            }
        )
        self.issue(self.fund_grant, worker_d, 150.0)
        self.issue(self.fund_grant, self.worker_a, 100.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        order._welfare_apply_credit()
        order.action_confirm()
        self.assertEqual(queries(), first)
        values = Report._fund_statement_values(self.fund_grant, self.date_from, self.date_to)
        self.assertEqual((values["workers_with_voucher"], values["copay"]), (4, 310.0 + 510.0))

    def _row(self, name, with_voucher, reached, issued, spent, copay, open_, lapsed):
        return {
            "name": name,
            "workers_with_voucher": with_voucher,
            "workers_reached": reached,
            "issued": issued,
            "spent": spent,
            "copay": copay,
            "open": open_,
            "lapsed": lapsed,
        }

    def _expected_by_ambit(self):
        return sorted(
            [
                self._row(self.ambit_vc.display_name, 1, 1, 300.0, 300.0, 310.0, 0.0, 0.0),
                self._row(self.ambit_bs.display_name, 2, 1, 300.0, 50.0, 0.0, 100.0, 150.0),
            ],
            key=lambda row: row["name"],
        )

    def _expected_by_member(self):
        return [
            self._row("Coop Alfa", 2, 1, 400.0, 300.0, 310.0, 100.0, 0.0),
            self._row("Coop Beta", 1, 1, 200.0, 50.0, 0.0, 0.0, 150.0),
        ]

    def _expected_by_category(self):
        return sorted(
            [
                self._row(self.cat_nido.display_name, 0, 1, 0, 300.0, 310.0, 0, 0),
                self._row(self.cat_sad.display_name, 0, 1, 0, 50.0, 0.0, 0, 0),
            ],
            key=lambda row: row["name"],
        )

    # ------------------------------------------------------------------------------
    # the PDF
    # ------------------------------------------------------------------------------
    def test_pdf_sections(self):
        self.assertTrue(self._wizard().action_print())  # the report, or the document-layout wizard on a new company
        data = {"date_from": str(self.date_from), "date_to": str(self.date_to)}
        html = self.env["ir.actions.report"]._render_qweb_html(
            "welfare_voucher.action_report_welfare_fund_statement", self.fund_grant.ids, data=data
        )[0]
        document = lxml_html.fromstring(html)

        def table(name):
            rows = document.xpath(f"//table[contains(@class, 'o_welfare_statement_{name}')]/tbody/tr")
            return [[" ".join(cell.text_content().split()) for cell in row.xpath("./td")] for row in rows]

        money = self._money
        summary = [row[1] for row in table("summary")]
        self.assertEqual(
            summary[:6],
            [money(1000.0), money(600.0), money(350.0), money(310.0), money(150.0), money(100.0)],
            "budget, issued, spent, co-payments, lapsed, open",
        )
        self.assertEqual([row[1] for row in table("workers")], ["4", "3", "75.0 %", "2"])
        self.assertEqual(
            [row[1:] for row in table("impact")],
            [[money(0.0), "0.0 %"], [money(50.0), "14.3 %"], [money(300.0), "85.7 %"]],
        )

        def breakdown(rows, columns):
            return [[row["name"], *(self._cell(row[key], key) for key in columns)] for row in rows]

        all_columns = ("workers_with_voucher", "workers_reached", "issued", "spent", "copay", "open", "lapsed")
        total = self._row(None, 3, 2, 600.0, 350.0, 310.0, 100.0, 150.0)
        for name, rows in (("by_ambit", self._expected_by_ambit()), ("by_member", self._expected_by_member())):
            rendered = table(name)
            self.assertEqual(rendered[:-1], breakdown(rows, all_columns), name)
            self.assertEqual(rendered[-1][1:], breakdown([total], all_columns)[0][1:], name)
        use_columns = ("workers_reached", "spent", "copay")
        rendered = table("by_category")
        self.assertEqual(rendered[:-1], breakdown(self._expected_by_category(), use_columns))
        self.assertEqual(rendered[-1][1:], breakdown([total], use_columns)[0][1:])
        self.assertEqual(table("by_provider"), [[self.provider.name, money(300.0)], ["Cooperativa Sole", money(50.0)]])

    def _cell(self, value, key):
        return str(value) if key.startswith("workers") else self._money(value)

    # ------------------------------------------------------------------------------
    # the XLSX
    # ------------------------------------------------------------------------------
    def _download(self, wizard):
        action = wizard.action_download_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment_id = int(action["url"].split("/web/content/")[1].split("?")[0])
        attachment = self.env["ir.attachment"].browse(attachment_id)
        self.assertEqual((attachment.res_model, attachment.res_id), (wizard._name, wizard.id))
        self.assertTrue(attachment.name.endswith(".xlsx"))
        return openpyxl.load_workbook(io.BytesIO(attachment.raw), data_only=True)

    @staticmethod
    def _values(sheet, min_row=1):
        return [list(row) for row in sheet.iter_rows(min_row=min_row, values_only=True)]

    def test_xlsx_sheets(self):
        workbook = self._download(self._wizard().with_context(lang="en_US"))
        self.assertEqual(
            workbook.sheetnames, ["Statement", "By residence ambit", "By member", "By service", "By provider"]
        )
        summary = {row[0]: row[1:] for row in self._values(workbook["Statement"]) if row[0]}
        self.assertEqual(summary["Funder"][0], self.funder.name)
        self.assertEqual(summary["From"][0].date(), self.date_from)
        self.assertEqual(summary["To"][0].date(), self.date_to)
        figures = {
            "Budget": 1000.0,
            "Issued in the period": 600.0,
            "Spent in the period": 350.0,
            "Co-payments by the workers": 310.0,
            "Lapsed in the period (back to the fund)": 150.0,
            "Open balances at the end of the period": 100.0,
            "Target workers": 4,
            "Workers with a voucher": 3,
            "Share of the target": 0.75,
            "Workers who used their voucher in the period": 2,
        }
        self.assertEqual({label: summary[label][0] for label in figures}, figures)
        self.assertEqual(summary["At km 0 producers"][:2], [0.0, 0.0])
        self.assertEqual(summary["At social cooperatives and third-sector providers"][0], 50.0)
        self.assertAlmostEqual(summary["At social cooperatives and third-sector providers"][1], 50 / 350)
        self.assertEqual(summary["Inside the network's ambits"][0], 300.0)
        self.assertAlmostEqual(summary["Inside the network's ambits"][1], 300 / 350)

        all_columns = ("workers_with_voucher", "workers_reached", "issued", "spent", "copay", "open", "lapsed")
        total = ["Total", 3, 2, 600.0, 350.0, 310.0, 100.0, 150.0]
        for sheet, first, rows in (
            ("By residence ambit", "Residence ambit", self._expected_by_ambit()),
            ("By member", "Member", self._expected_by_member()),
        ):
            values = self._values(workbook[sheet])
            self.assertEqual(
                values[0],
                [
                    first,
                    "Workers with a voucher",
                    "Workers who used their voucher in the period",
                    "Issued in the period",
                    "Spent in the period",
                    "Co-payments",
                    "Open balances at the end of the period",
                    "Lapsed in the period (back to the fund)",
                ],
            )
            self.assertEqual(values[1:-1], [[row["name"], *(row[key] for key in all_columns)] for row in rows], sheet)
            self.assertEqual(values[-1], total, sheet)
        values = self._values(workbook["By service"])
        self.assertEqual(
            values[0],
            ["Service category", "Workers who used their voucher in the period", "Spent in the period", "Co-payments"],
        )
        self.assertEqual(
            values[1:-1],
            [[row["name"], row["workers_reached"], row["spent"], row["copay"]] for row in self._expected_by_category()],
        )
        self.assertEqual(values[-1], ["Total", 2, 350.0, 310.0])
        self.assertEqual(
            self._values(workbook["By provider"], min_row=2),
            [[self.provider.name, 300.0], ["Cooperativa Sole", 50.0], ["Total", 350.0]],
        )

    def test_xlsx_in_italian(self):
        if not self.env["res.lang"]._lang_get("it_IT"):
            self.skipTest("Italian is not installed")
        workbook = self._download(self._wizard().with_context(lang="it_IT"))
        self.assertEqual(
            workbook.sheetnames,
            ["Rendicontazione", "Per ambito di residenza", "Per socio", "Per servizio", "Per fornitore"],
        )
        summary = {row[0]: row[1] for row in self._values(workbook["Rendicontazione"]) if row[0]}
        self.assertEqual(summary["Compartecipazioni dei lavoratori"], 310.0)
        self.assertEqual(summary["Saldi aperti a fine periodo"], 100.0)
        # The PDF speaks Italian too.
        html = (
            self.env["ir.actions.report"]
            .with_context(lang="it_IT")
            ._render_qweb_html(
                "welfare_voucher.action_report_welfare_fund_statement",
                self.fund_grant.ids,
                data={"date_from": str(self.date_from), "date_to": str(self.date_to)},
            )[0]
            .decode()
        )
        for label in (
            "Per ambito di residenza",
            "Per socio",
            "Compartecipazioni dei lavoratori",
            "Lavoratori con voucher",
        ):
            self.assertIn(label, html)

    # ------------------------------------------------------------------------------
    # who may produce it
    # ------------------------------------------------------------------------------
    def test_back_office_and_accounting_only(self):
        for user in (self.user_backoffice, self.user_accountant):
            with self.subTest(user=user.login):
                workbook = self._download(self._wizard(user=user))
                self.assertEqual(self._values(workbook.worksheets[2])[-1][5], 310.0)
                self.assertTrue(self._wizard(user=user).action_print())
        # Every public method is an RPC endpoint: the group is checked in the method.
        wizard = self._wizard()
        for user in (self.user_hr_a, self.user_worker_a):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    wizard.with_user(user).action_download_xlsx()
                with self.assertRaises(AccessError):
                    wizard.with_user(user).action_print()
                with self.assertRaises(AccessError):
                    self._wizard(user=user)

    def test_period_must_make_sense(self):
        wizard = self._wizard(date_from=self.today, date_to=self.today - relativedelta(days=1))
        with self.assertRaisesRegex(UserError, "period"):
            wizard.action_download_xlsx()
