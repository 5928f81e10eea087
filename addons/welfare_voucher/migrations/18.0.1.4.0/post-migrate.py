"""One codice fiscale per contact (issue 10): welfare_network's ``fiscalcode`` now reads
and writes l10n_it_edi's ``l10n_it_codice_fiscale``, the field the FatturaPA carries; the
codes kept in the network's own column are copied over."""

from openupgradelib import openupgrade


@openupgrade.migrate()
def migrate(env, version):
    env["res.partner"]._welfare_adopt_network_fiscalcodes()
