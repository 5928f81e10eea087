from odoo import api, fields, models


class ReportWelfareFundStatement(models.AbstractModel):
    _name = "report.welfare_voucher.report_welfare_fund_statement"
    _description = "Funder Statement Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        funds = self.env["welfare.fund"].browse(docids)
        date_from = fields.Date.to_date(data.get("date_from")) or min(funds.mapped("date_start"))
        date_to = fields.Date.to_date(data.get("date_to")) or fields.Date.context_today(self)
        return {
            "doc_ids": docids,
            "doc_model": "welfare.fund",
            "docs": funds,
            "statements": {fund.id: fund._statement_values(date_from, date_to) for fund in funds},
        }
