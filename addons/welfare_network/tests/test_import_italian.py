import logging
import time
from datetime import date, timedelta

from odoo.tests import new_test_user, tagged
from odoo.tools import file_open

from .common import WelfareNetworkCommon, make_fiscalcode
from .test_worker_import import OPTIONS

_logger = logging.getLogger(__name__)

WORKERS_TEMPLATE = "welfare_network/static/src/csv/welfare_workers_import.csv"
FAMILY_TEMPLATE = "welfare_network/static/src/csv/welfare_family_members_import.csv"
TEMPLATE_EMPLOYER = "Cooperativa Sociale Il Cantiere"
TEMPLATE_WORKER_CODE = "BNCGLI85M41A794N"
TEMPLATE_WORKER_NAME = "Giulia Bianchi"
TEMPLATE_FAMILY_NAMES = ["Luca Rossi", "Marco Rossi"]


def read_template(path):
    with file_open(path, "rb") as template:
        return template.read()


@tagged("post_install", "-at_install")
class TestImportInItalian(WelfareNetworkCommon):
    """Onboarding from the downloadable templates by Italian-speaking operators:
    the files import as they are, and a bad row imports nothing and is explained
    in Italian on its row."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("it_IT")
        # The member named in the templates: the demo one when demo data is loaded.
        cls.employer_template = cls.env.ref("welfare_network.member_coop_cantiere", raise_if_not_found=False)
        if not cls.employer_template:
            cls.employer_template = cls.env["res.partner"].create(
                {"name": TEMPLATE_EMPLOYER, "is_company": True, "welfare_member_type": "social_coop"}
            )
        cls.user_hr_template = new_test_user(
            cls.env,
            login="hr_cantiere_it",
            groups="base.group_user,welfare_network.group_welfare_hr_referent",
            welfare_employer_id=cls.employer_template.id,
            lang="it_IT",
        )
        cls.user_backoffice.lang = "it_IT"

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _import(self, user, model, content, dryrun=False, **context):
        """Import ``content`` as the web client does: the user's language in the
        context, tracking disabled, columns matched by the preview."""
        wizard = (
            self.env["base_import.import"]
            .with_user(user)
            .with_context(lang=user.lang, tracking_disable=True, **context)
            .create({"res_model": model, "file": content, "file_type": "text/csv"})
        )
        preview = wizard.parse_preview(dict(OPTIONS))
        self.assertFalse(preview.get("error"), preview.get("error"))
        self.assertTrue(
            all(preview["matches"].get(index) for index in range(len(preview["headers"]))),
            f"Every column of the template must be recognised in {user.lang}: {preview['matches']}",
        )
        fields = ["/".join(match) for match in preview["matches"].values()]
        return wizard.execute_import(fields, preview["headers"], dict(OPTIONS), dryrun=dryrun)

    def _import_workers(self, user, content, dryrun=False):
        return self._import(user, "res.partner", content, dryrun=dryrun, welfare_network_worker=True)

    def _import_family(self, user, content, dryrun=False):
        return self._import(user, "welfare.family.member", content, dryrun=dryrun)

    def _errors(self, result):
        return [message for message in result["messages"] if message["type"] == "error"]

    def _assert_no_errors(self, result):
        self.assertFalse(self._errors(result), result["messages"])

    def _assert_row_error(self, result, row, *fragments):
        """The import was refused, with errors reported on data row ``row`` only
        (0-based, header excluded, as base_import counts), one of which contains
        every fragment."""
        self.assertFalse(result.get("ids"), "A file with a bad row must import nothing")
        errors = self._errors(result)
        self.assertEqual({(m["rows"]["from"], m["rows"]["to"]) for m in errors}, {(row, row)}, errors)
        messages = [m["message"] for m in errors]
        self.assertTrue(
            any(all(fragment in message for fragment in fragments) for message in messages),
            f"Expected {fragments} in the error of row {row}: {messages}",
        )

    def _workers_file(self, *rows):
        """The workers template followed by ``rows`` (lists of cells)."""
        lines = [",".join(row) for row in rows]
        return read_template(WORKERS_TEMPLATE) + "".join(f"{line}\n" for line in lines).encode()

    def _worker_row(self, name, code, employer=TEMPLATE_EMPLOYER):
        email = name.lower().replace(" ", ".") + "@example.it"
        return [name, code, "True", employer, "2020-01-01", email, "", "Via Roma 1", "24069", "Casazza", "IT"]

    def _family_file(self, *rows):
        lines = [",".join(row) for row in rows]
        return read_template(FAMILY_TEMPLATE) + "".join(f"{line}\n" for line in lines).encode()

    def _template_worker(self):
        return self.env["res.partner"].search([("fiscalcode", "=", TEMPLATE_WORKER_CODE)])

    def _assert_templates_imported(self, user):
        """Both templates, unchanged, imported in Italian by ``user``."""
        result = self._import_workers(user, read_template(WORKERS_TEMPLATE))
        self._assert_no_errors(result)
        worker = self._template_worker()
        self.assertEqual(worker.name, TEMPLATE_WORKER_NAME)
        self.assertTrue(worker.is_welfare_worker)
        self.assertEqual(worker.welfare_employer_id, self.employer_template)
        self.assertEqual(worker.country_id, self.env.ref("base.it"))
        self.assertEqual(worker.welfare_hire_date, date(2019, 9, 1))
        self.assertFalse(worker.parent_id)

        result = self._import_family(user, read_template(FAMILY_TEMPLATE))
        self._assert_no_errors(result)
        family = worker.welfare_family_member_ids.sorted("name")
        self.assertEqual(family.mapped("name"), TEMPLATE_FAMILY_NAMES)
        child, spouse = family
        self.assertEqual(child.relation, "child")
        self.assertEqual(child.birth_date, date(2018, 4, 12))
        self.assertEqual(child.fiscalcode, "RSSLCU18D12A794A")
        self.assertTrue(child.is_dependent)
        self.assertEqual(spouse.relation, "spouse")
        self.assertFalse(spouse.is_dependent)
        self.assertEqual(family.employer_id, self.employer_template)
        self.assertEqual(set(family.mapped("worker_fiscalcode")), {TEMPLATE_WORKER_CODE})

    # ------------------------------------------------------------------
    # templates
    # ------------------------------------------------------------------
    def test_templates_offered_in_italian(self):
        Partner = self.env["res.partner"].with_user(self.user_hr_template).with_context(lang="it_IT")
        workers = Partner.with_context(welfare_network_worker=True).get_import_templates()
        self.assertEqual(workers[0]["label"], "Modello di importazione dei lavoratori")
        self.assertEqual(workers[0]["template"], "/" + WORKERS_TEMPLATE)
        family = (
            self.env["welfare.family.member"]
            .with_user(self.user_hr_template)
            .with_context(lang="it_IT")
            .get_import_templates()
        )
        self.assertEqual(family[0]["label"], "Modello di importazione dei familiari")
        self.assertEqual(family[0]["template"], "/" + FAMILY_TEMPLATE)

    def test_hr_referent_imports_templates_as_is(self):
        """An Italian-speaking HR referent imports the workers template, then the
        family template (art. 12 TUIR family members found by the worker's codice
        fiscale), without changing a cell. The test run (dry run) writes nothing."""
        dry = self._import_workers(self.user_hr_template, read_template(WORKERS_TEMPLATE), dryrun=True)
        self._assert_no_errors(dry)
        self.assertFalse(self._template_worker())
        self._assert_templates_imported(self.user_hr_template)

    def test_backoffice_imports_templates_as_is(self):
        """The Italian-speaking back office imports both templates as they are
        (art. 12 TUIR family members)."""
        self._assert_templates_imported(self.user_backoffice)

    # ------------------------------------------------------------------
    # bad rows: nothing imported, the row and the reason told in Italian
    # ------------------------------------------------------------------
    def test_workers_invalid_fiscalcode_imports_nothing(self):
        """A codice fiscale with a wrong check character (DPR 605/1973) on the
        third row refuses the whole file, in Italian, on that row."""
        good = make_fiscalcode("VRD", "NNA", date(1990, 2, 3), female=True)
        bad = make_fiscalcode("VRD", "PLA", date(1991, 4, 5))
        bad = bad[:15] + ("A" if bad[15] != "A" else "B")
        content = self._workers_file(self._worker_row("Anna Verdi", good), self._worker_row("Paolo Verdi", bad))
        result = self._import_workers(self.user_hr_template, content)
        self._assert_row_error(result, 2, bad, "non è un codice fiscale valido", "il carattere di controllo è errato")
        self.assertFalse(
            self.env["res.partner"].search([("name", "in", [TEMPLATE_WORKER_NAME, "Anna Verdi", "Paolo Verdi"])])
        )

    def test_workers_foreign_employer_imports_nothing(self):
        """An HR referent imports only the workers of their own employer: a row
        naming another member refuses the whole file, on that row."""
        content = self._workers_file(
            self._worker_row("Paolo Verdi", make_fiscalcode("VRD", "PLA", date(1991, 4, 5)), self.employer_b.name)
        )
        result = self._import_workers(self.user_hr_template, content)
        self._assert_row_error(result, 1, "Gestisci solo i lavoratori di", "Paolo Verdi")
        self.assertFalse(self.env["res.partner"].search([("name", "in", [TEMPLATE_WORKER_NAME, "Paolo Verdi"])]))

    def test_family_bad_rows_import_nothing(self):
        """Family members (art. 12 TUIR) are imported all or nothing: an invalid
        codice fiscale, a worker nobody has, or a worker of another employer on
        the third row refuses the file, in Italian, on that row."""
        self._import_workers(self.user_hr_template, read_template(WORKERS_TEMPLATE))
        worker = self._template_worker()
        self.assertTrue(worker)
        invalid = make_fiscalcode("RSS", "SFO", date(2021, 10, 5), female=True)
        invalid = invalid[:15] + ("A" if invalid[15] != "A" else "B")
        unknown = make_fiscalcode("NSS", "NNN", date(1970, 1, 1))
        sofia = make_fiscalcode("RSS", "SFO", date(2021, 10, 5), female=True)
        cases = [
            (
                "invalid codice fiscale",
                [TEMPLATE_WORKER_CODE, "Sofia Rossi", "child", "2021-10-05", invalid, "True"],
                [invalid, "non è un codice fiscale valido", "il carattere di controllo è errato"],
            ),
            (
                "unknown worker",
                [unknown, "Sofia Rossi", "child", "2021-10-05", sofia, "True"],
                ["Familiare Sofia Rossi", unknown, "nessuno dei lavoratori che gestisci"],
            ),
            (
                "worker of another employer",
                [self.worker_b.fiscalcode, "Sofia Rossi", "child", "2021-10-05", sofia, "True"],
                ["Familiare Sofia Rossi", self.worker_b.fiscalcode, "nessuno dei lavoratori che gestisci"],
            ),
        ]
        for label, row, fragments in cases:
            with self.subTest(label):
                result = self._import_family(self.user_hr_template, self._family_file(row))
                self._assert_row_error(result, 2, *fragments)
                self.assertFalse(worker.welfare_family_member_ids, "No family member of the file may be created")
                self.assertEqual(self.worker_b.welfare_family_member_ids, self.parent_b)

    def test_backoffice_unknown_worker_imports_nothing(self):
        """The back office sees every worker, yet a codice fiscale nobody has is
        refused on its row."""
        self._assert_no_errors(self._import_workers(self.user_backoffice, read_template(WORKERS_TEMPLATE)))
        unknown = make_fiscalcode("NSS", "NNN", date(1970, 1, 1))
        row = [unknown, "Sofia Rossi", "child", "2021-10-05", make_fiscalcode("RSS", "SFO", date(2021, 10, 5)), "0"]
        result = self._import_family(self.user_backoffice, self._family_file(row))
        self._assert_row_error(result, 2, unknown, "nessuno dei lavoratori che gestisci")
        self.assertFalse(self._template_worker().welfare_family_member_ids)

    # ------------------------------------------------------------------
    # volume
    # ------------------------------------------------------------------
    def test_import_450_workers(self):
        """A member's whole workforce (450 rows) imports in one go in Italian; the
        time is logged, not asserted (it depends on the machine)."""
        first_birth = date(1960, 1, 1)
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        rows = []
        for index in range(450):
            name3 = letters[index // 676] + letters[index // 26 % 26] + letters[index % 26]
            code = make_fiscalcode("WLF", name3, first_birth + timedelta(days=index * 29))
            rows.append(self._worker_row(f"Lavoratore {index:03d}", code))
        header = read_template(WORKERS_TEMPLATE).split(b"\n", 1)[0] + b"\n"
        content = header + "".join(",".join(row) + "\n" for row in rows).encode()
        start = time.perf_counter()
        result = self._import_workers(self.user_hr_template, content)
        elapsed = time.perf_counter() - start
        _logger.info("Imported 450 workers in Italian as an HR referent in %.2f s", elapsed)
        self._assert_no_errors(result)
        self.assertEqual(len(result["ids"]), 450)
        workers = self.env["res.partner"].search([("name", "=like", "Lavoratore %")])
        self.assertEqual(len(workers), 450)
        self.assertEqual(workers.welfare_employer_id, self.employer_template)
        self.assertEqual(workers.country_id, self.env.ref("base.it"))
