from datetime import date

from stdnum.it import codicefiscale

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon

MONTHS = "ABCDEHLMPRST"


def make_fiscalcode(surname3, name3, birth_date, female=False, place="A794"):
    """Build a valid codice fiscale from its already-coded name parts."""
    day = birth_date.day + (40 if female else 0)
    base = f"{surname3}{name3}{birth_date.year % 100:02d}{MONTHS[birth_date.month - 1]}{day:02d}{place}"
    return base + codicefiscale.calc_check_digit(base)


class WelfareNetworkCommon(BaseCommon):
    """Two members with workers and families, and the users of each role."""

    @classmethod
    def setup_main_company(cls, currency_code="EUR"):
        """The network is Italian: its books, funds and shop are in euro."""
        return super().setup_main_company(currency_code=currency_code)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.ambit_vc = cls.env.ref("welfare_network.ambit_val_cavallina")
        cls.ambit_bs = cls.env.ref("welfare_network.ambit_basso_sebino")
        cls.employer_a, cls.employer_b = Partner.create(
            [
                {
                    "name": "Coop Alfa",
                    "is_company": True,
                    "welfare_member_type": "social_coop",
                    "city": "Trescore Balneario",
                },
                {"name": "Coop Beta", "is_company": True, "welfare_member_type": "social_coop", "city": "Sarnico"},
            ]
        )
        cls.worker_a = Partner.create(
            {
                "name": "Alda Alfieri",
                "is_welfare_worker": True,
                "fiscalcode": make_fiscalcode("LFR", "LDA", date(1985, 3, 14), female=True),
                "welfare_employer_id": cls.employer_a.id,
                "city": "Casazza",
                "email": "alda@example.com",
            }
        )
        cls.worker_b = Partner.create(
            {
                "name": "Bruno Bianchi",
                "is_welfare_worker": True,
                "fiscalcode": make_fiscalcode("BNC", "BRN", date(1979, 11, 2)),
                "welfare_employer_id": cls.employer_b.id,
                "city": "Villongo",
                "email": "bruno@example.com",
            }
        )
        today = date.today()
        cls.child_a = cls.env["welfare.family.member"].create(
            {
                "worker_id": cls.worker_a.id,
                "name": "Carla Alfieri",
                "relation": "child",
                "birth_date": date(today.year - 2, 1, 15),
                "is_dependent": True,
            }
        )
        cls.parent_b = cls.env["welfare.family.member"].create(
            {
                "worker_id": cls.worker_b.id,
                "name": "Dario Bianchi",
                "relation": "parent",
                "birth_date": date(today.year - 80, 6, 1),
            }
        )
        cls.user_hr_a = new_test_user(
            cls.env,
            login="hr_alfa",
            groups="base.group_user,welfare_network.group_welfare_hr_referent",
            welfare_employer_id=cls.employer_a.id,
        )
        cls.user_backoffice = new_test_user(
            cls.env,
            login="backoffice",
            groups="base.group_user,welfare_network.group_welfare_backoffice",
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="netmanager",
            groups="base.group_user,welfare_network.group_welfare_manager",
        )
        cls.user_worker_a = cls.env["res.users"].create(
            {
                "login": "worker_alfa",
                "password": "worker_alfa",
                "partner_id": cls.worker_a.id,
                "groups_id": [
                    Command.set(
                        [
                            cls.env.ref("base.group_portal").id,
                            cls.env.ref("welfare_network.group_welfare_portal_worker").id,
                        ]
                    )
                ],
            }
        )
        cls.provider = Partner.create(
            {
                "name": "Nido Test",
                "is_company": True,
                "is_welfare_provider": True,
                "city": "Endine Gaiano",
            }
        )
