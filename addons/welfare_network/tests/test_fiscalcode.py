from datetime import date

from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import WelfareNetworkCommon, make_fiscalcode


@tagged("post_install", "-at_install")
class TestFiscalcode(WelfareNetworkCommon):
    def _worker_vals(self, **vals):
        return {
            "name": "Ezio Esposito",
            "is_welfare_worker": True,
            "welfare_employer_id": self.employer_a.id,
            **vals,
        }

    def test_valid_code_is_normalised(self):
        code = make_fiscalcode("SPS", "ZEI", date(1990, 5, 20))
        worker = self.env["res.partner"].create(self._worker_vals(fiscalcode=" ".join([code[:6].lower(), code[6:]])))
        self.assertEqual(worker.fiscalcode, code)

    def test_wrong_check_character_is_refused(self):
        code = make_fiscalcode("SPS", "ZEI", date(1990, 5, 20))
        wrong = code[:15] + ("A" if code[15] != "A" else "B")
        with self.assertRaisesRegex(ValidationError, "not a valid codice fiscale"), self.cr.savepoint():
            self.env["res.partner"].create(self._worker_vals(fiscalcode=wrong))
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Ezio Esposito")]))

    def test_organisation_code_accepted(self):
        # 11 digits: the codice fiscale of an organisation (same as its partita IVA).
        self.employer_a.fiscalcode = "00743110157"
        self.assertEqual(self.employer_a.fiscalcode, "00743110157")

    def test_code_is_unique(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["res.partner"].create(self._worker_vals(fiscalcode=self.worker_a.fiscalcode))

    def test_worker_requires_code_and_member_employer(self):
        with self.assertRaisesRegex(ValidationError, "needs a codice fiscale"):
            self.env["res.partner"].create(self._worker_vals())
        outsider = self.env["res.partner"].create({"name": "Outsider Srl", "is_company": True})
        with self.assertRaisesRegex(ValidationError, "not a member of the network"):
            self.env["res.partner"].create(
                self._worker_vals(
                    fiscalcode=make_fiscalcode("SPS", "ZEI", date(1990, 5, 20)),
                    welfare_employer_id=outsider.id,
                )
            )

    def test_worker_is_not_a_child_contact_of_employer(self):
        with self.assertRaisesRegex(ValidationError, "must not be a contact"):
            self.worker_a.parent_id = self.employer_a

    def test_family_member_code_matches_birth_date(self):
        with self.assertRaisesRegex(ValidationError, "encodes the birth date"):
            self.env["welfare.family.member"].create(
                {
                    "worker_id": self.worker_a.id,
                    "name": "Fabio Alfieri",
                    "relation": "child",
                    "birth_date": date(2020, 1, 1),
                    "fiscalcode": make_fiscalcode("LFR", "FBA", date(2021, 1, 1)),
                }
            )
