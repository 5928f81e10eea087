"""Fund types carry the law (issue 10): the payment mode and the fringe-benefit ceiling
of a fund are derived from its type instead of being chosen. Existing funds get the
rules of their type here (an employer fund pays full value and no longer counts against
the c.3 ceiling, a grant allows co-payment and never counts against it); ceilings per
tax year replace the two company fields. Employer funds still need their regulation,
and grants their call, the next time they are edited: the back office is told in the
fund's chatter."""

from openupgradelib import openupgrade

from odoo import SUPERUSER_ID, api


@openupgrade.migrate()
def migrate(env, version):
    env = api.Environment(env.cr, SUPERUSER_ID, {})
    funds = env["welfare.fund"].with_context(active_test=False).search([])
    for fname in ("payment_mode", "apply_c3_ceiling", "family_rules"):
        env.add_to_compute(funds._fields[fname], funds)
    funds.flush_recordset()
    for fund in funds:
        rules = fund._type_rules()
        missing = []
        if rules["needs_regulation"] and not fund.regulation_id:
            missing.append(env._("the employer's welfare regulation"))
        if rules["needs_call"] and not fund.call_reference:
            missing.append(env._("the call or decree"))
        if missing:
            fund.message_post(
                body=env._(
                    "The fund's rules now follow its type (TUIR art. 51, DM 25/3/2016 art. 6). Enter %(missing)s "
                    "before the fund is edited again.",
                    missing=", ".join(missing),
                ),
                subtype_xmlid="mail.mt_note",
            )
