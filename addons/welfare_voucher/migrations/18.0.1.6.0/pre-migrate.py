"""Vouchers and ledger lines store their currency (issue 11: an INSERT of a batch takes
the currency from its values, not from a computation per row). Filled here in SQL before
the module loads, so that the ORM finds the columns and computes nothing row by row."""

from openupgradelib import openupgrade


@openupgrade.migrate()
def migrate(env, version):
    cr = env.cr
    openupgrade.logged_query(cr, "ALTER TABLE welfare_voucher ADD COLUMN IF NOT EXISTS currency_id INTEGER")
    openupgrade.logged_query(cr, "ALTER TABLE welfare_voucher_move ADD COLUMN IF NOT EXISTS currency_id INTEGER")
    openupgrade.logged_query(
        cr,
        """UPDATE welfare_voucher AS voucher
              SET currency_id = company.currency_id
             FROM welfare_fund AS fund
             JOIN res_company AS company ON company.id = fund.company_id
            WHERE fund.id = voucher.fund_id AND voucher.currency_id IS NULL""",
    )
    openupgrade.logged_query(
        cr,
        """UPDATE welfare_voucher_move AS move
              SET currency_id = voucher.currency_id
             FROM welfare_voucher AS voucher
            WHERE voucher.id = move.voucher_id AND move.currency_id IS NULL""",
    )
