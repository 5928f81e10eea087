from odoo import api, fields, models


class ReportWorkerC3Statement(models.AbstractModel):
    _name = "report.welfare_voucher.report_worker_c3_statement"
    _description = "Worker Fringe-benefit Statement Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        year = int(data.get("year") or fields.Date.context_today(self).year)
        workers = self.env["res.partner"].browse(docids)
        Move = self.env["welfare.voucher.move"].sudo()
        company = self.env.company
        statements = {}
        for worker in workers:
            moves = Move.search(
                [
                    ("worker_id", "=", worker.id),
                    ("move_type", "in", ("redeem", "refund")),
                    ("category_id.fiscal_basis", "=", "art51_3"),
                    ("fund_id.apply_c3_ceiling", "=", True),
                    ("date", ">=", f"{year}-01-01"),
                    ("date", "<=", f"{year}-12-31"),
                ],
                order="date, id",
            )
            children = bool(worker._welfare_family_members_matching(relations=["child"], dependent=True))
            ceiling = company.welfare_c3_ceiling_children if children else company.welfare_c3_ceiling
            total = -sum(moves.mapped("amount"))
            statements[worker.id] = {
                "moves": moves,
                "total": total,
                "ceiling": ceiling,
                "with_children": children,
                "over": company.currency_id.compare_amounts(total, ceiling) > 0,
            }
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": workers,
            "year": year,
            "currency": company.currency_id,
            "statements": statements,
        }
