from odoo.tests import tagged
from odoo.tools import file_open

from .common import WelfareNetworkCommon

OPTIONS = {
    "import_skip_records": [],
    "import_set_empty_fields": [],
    "fallback_values": {},
    "name_create_enabled_fields": {},
    "encoding": "utf-8",
    "separator": ",",
    "quoting": '"',
    "date_format": "%Y-%m-%d",
    "datetime_format": "",
    "float_thousand_separator": ",",
    "float_decimal_separator": ".",
    "advanced": True,
    "has_headers": True,
    "keep_matches": False,
    "limit": 2000,
    "skip": 0,
    "tracking_disable": True,
}


@tagged("post_install", "-at_install")
class TestWorkerImport(WelfareNetworkCommon):
    """Bulk onboarding with Odoo's standard import and the documented template."""

    def _import(self, user, content):
        wizard = (
            self.env["base_import.import"]
            .with_user(user)
            .with_context(welfare_network_worker=True)
            .create({"res_model": "res.partner", "file": content, "file_type": "text/csv"})
        )
        preview = wizard.parse_preview(dict(OPTIONS))
        self.assertFalse(preview.get("error"), preview.get("error"))
        fields = ["/".join(match) if match else False for match in preview["matches"].values()]
        return wizard.execute_import(fields, preview["headers"], dict(OPTIONS))

    def _template(self, employer):
        content = file_open("welfare_network/static/src/csv/welfare_workers_import.csv", "rb").read()
        return content.replace(b"Cooperativa Sociale Il Cantiere", employer.name.encode())

    def test_template_is_offered(self):
        templates = self.env["res.partner"].with_context(welfare_network_worker=True).get_import_templates()
        self.assertTrue(templates[0]["template"].endswith("welfare_workers_import.csv"))

    def test_hr_referent_imports_own_workers(self):
        result = self._import(self.user_hr_a, self._template(self.employer_a))
        self.assertFalse([m for m in result["messages"] if m["type"] == "error"], result["messages"])
        worker = self.env["res.partner"].search([("fiscalcode", "=", "BNCGLI85M41A794N")])
        self.assertEqual(worker.name, "Giulia Bianchi")
        self.assertTrue(worker.is_welfare_worker)
        self.assertEqual(worker.welfare_employer_id, self.employer_a)
        self.assertFalse(worker.parent_id)
        self.assertEqual(str(worker.welfare_hire_date), "2019-09-01")

    def test_bad_rows_import_nothing(self):
        content = self._template(self.employer_a).replace(b"BNCGLI85M41A794N", b"BNCGLI85M41A794X")
        result = self._import(self.user_hr_a, content)
        self.assertTrue([m for m in result["messages"] if m["type"] == "error"])
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Giulia Bianchi")]))

    def test_hr_referent_cannot_import_for_another_employer(self):
        result = self._import(self.user_hr_a, self._template(self.employer_b))
        self.assertTrue([m for m in result["messages"] if m["type"] == "error"])
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Giulia Bianchi")]))
