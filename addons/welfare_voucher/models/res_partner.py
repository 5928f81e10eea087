import logging

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # One codice fiscale per contact: l10n_it_edi's, the one the FatturaPA carries.
    # ``fiscalcode``, the network's name for it (imports, HR referents, the worker's
    # portal), reads and writes it, with its checks and its access groups; its column
    # is only a mirror kept by the ORM (searches, the uniqueness among contacts). What
    # welfare_network kept on its own before this addon was installed is copied over at
    # install (post_init_hook) and by the 18.0.1.4.0 migration.
    fiscalcode = fields.Char(related="l10n_it_codice_fiscale", readonly=False, store=True)

    # Unique among workers only: l10n_it_edi lets other contacts share a code (a
    # company and its invoice address, an accountant's duplicates), and they must keep
    # working as in any Italian Odoo.
    _sql_constraints = [
        (
            "fiscalcode_unique",
            "EXCLUDE USING btree (fiscalcode WITH =) WHERE (is_welfare_worker AND fiscalcode <> '')",
            "Another worker already has this codice fiscale.",
        ),
    ]

    @api.constrains("l10n_it_codice_fiscale", "is_welfare_worker")
    def _check_welfare_worker_codice_fiscale(self):
        """A worker's code is checked whichever field it was written through."""
        self.filtered("is_welfare_worker")._check_fiscalcode()

    @api.model
    def _welfare_adopt_network_fiscalcodes(self):
        """Copy the codici fiscali welfare_network kept in its own column into
        l10n_it_edi's field, where that one is empty; a different code already there is
        kept and reported in the log."""
        cr = self.env.cr
        cr.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = 'res_partner' AND column_name = 'fiscalcode'"
        )
        if not cr.fetchone():
            return
        cr.execute(
            """UPDATE res_partner SET l10n_it_codice_fiscale = fiscalcode
                WHERE fiscalcode IS NOT NULL AND fiscalcode != ''
                  AND (l10n_it_codice_fiscale IS NULL OR l10n_it_codice_fiscale = '')"""
        )
        cr.execute(
            """SELECT id FROM res_partner
                WHERE fiscalcode IS NOT NULL AND fiscalcode != '' AND l10n_it_codice_fiscale != fiscalcode"""
        )
        if conflicts := [row[0] for row in cr.fetchall()]:
            _logger.warning(
                "Contacts %s keep their l10n_it_edi codice fiscale, different from the network's.", conflicts
            )
        self.invalidate_model(["l10n_it_codice_fiscale"])
