from odoo import fields, models
from odoo.exceptions import UserError

from ..report.welfare_fund_statement import XLSX_MIMETYPE

# Who produces the funder's statement: the network's back office and accounting.
STATEMENT_GROUPS = ("welfare_network.group_welfare_backoffice", "account.group_account_invoice")


class WelfareFundStatement(models.TransientModel):
    """Print the funder's statement (rendicontazione) of a fund for a period, as a PDF
    or as an XLSX workbook with the same figures."""

    _name = "welfare.fund.statement"
    _description = "Funder Statement"
    _inherit = ["welfare.action.guard.mixin"]

    fund_id = fields.Many2one("welfare.fund", required=True, default=lambda self: self.env.context.get("active_id"))
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True, default=fields.Date.context_today)

    def _check_statement_request(self):
        """Only the back office and accounting report to the funders (every public method
        is an RPC endpoint: the check is here, not in the view), for a real period."""
        self._welfare_check_group(*STATEMENT_GROUPS)
        self.fund_id.check_access("read")
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(self.env._("The period ends before it starts."))

    def action_print(self):
        """The funder's statement as a PDF."""
        self._check_statement_request()
        return self.env.ref("welfare_voucher.action_report_welfare_fund_statement").report_action(
            self.fund_id, data={"date_from": str(self.date_from), "date_to": str(self.date_to)}
        )

    def action_download_xlsx(self):
        """The funder's statement as an XLSX workbook, one sheet per breakdown, downloaded
        from an attachment of this wizard (it goes with the wizard)."""
        self.ensure_one()
        self._check_statement_request()
        report = self.env["report.welfare_voucher.report_welfare_fund_statement"]
        content = report._fund_statement_xlsx(self.fund_id, self.date_from, self.date_to)
        name = f"{self.env._('Funder statement')} - {self.fund_id.name} - {self.date_from} - {self.date_to}.xlsx"
        attachment = self.env["ir.attachment"].create(
            {
                "name": name.replace("/", "-"),
                "raw": content,
                "mimetype": XLSX_MIMETYPE,
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }
