"""Ledger lines say why with a reason code and its parameters, and the sentence is
written when the line is read, in the reader's language (issue 12, item 3). Lines
written before keep their sentence as it was frozen then, in the language of whoever
wrote it: it moves to ``reason_legacy`` and their code is ``legacy``. Done before the
module loads, so that the new required code is filled when the ORM makes it NOT NULL."""

from openupgradelib import openupgrade


@openupgrade.migrate()
def migrate(env, version):
    cr = env.cr
    if openupgrade.column_exists(cr, "welfare_voucher_move", "reason") and not openupgrade.column_exists(
        cr, "welfare_voucher_move", "reason_legacy"
    ):
        openupgrade.rename_columns(cr, {"welfare_voucher_move": [("reason", "reason_legacy")]})
    openupgrade.logged_query(cr, "ALTER TABLE welfare_voucher_move ADD COLUMN IF NOT EXISTS reason_code VARCHAR")
    openupgrade.logged_query(cr, "UPDATE welfare_voucher_move SET reason_code = 'legacy' WHERE reason_code IS NULL")
