from odoo import api, fields, models


class ReportWorkerC3Statement(models.AbstractModel):
    """The worker's fringe benefits of a tax year, for payroll (TUIR art. 51 c.3): what
    was made available that year (fringe-benefit vouchers at their whole value, and the
    benefits the employer declared outside the platform), against the year's ceiling.
    Only what is relevant to tax: grant money and c.2 welfare never appear."""

    _name = "report.welfare_voucher.report_worker_c3_statement"
    _description = "Worker Fringe-benefit Statement Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        year = int(data.get("year") or fields.Date.context_today(self).year)
        workers = self.env["res.partner"].browse(docids)
        Voucher = self.env["welfare.voucher"]
        ceilings, used = Voucher._c3_ceilings(workers, year), Voucher._c3_used(workers, year)
        with_children = self.env["welfare.c3.declaration"]._workers_with_children(workers, year)
        vouchers = Voucher.sudo().search(
            [
                ("worker_id", "in", workers.ids),
                ("c3_year", "=", year),
                ("fund_id.apply_c3_ceiling", "=", True),
                ("state", "!=", "cancelled"),
            ],
            order="date_start, id",
        )
        benefits = (
            self.env["welfare.fringe.benefit"]
            .sudo()
            .search([("worker_id", "in", workers.ids), ("year", "=", year)], order="date, id")
        )
        currency = self.env.company.currency_id
        statements = {
            worker.id: {
                "vouchers": vouchers.filtered(lambda v, w=worker: v.worker_id == w),
                "benefits": benefits.filtered(lambda b, w=worker: b.worker_id == w),
                "total": used[worker.id],
                "ceiling": ceilings[worker.id],
                "with_children": worker in with_children,
                "over": currency.compare_amounts(used[worker.id], ceilings[worker.id]) > 0,
            }
            for worker in workers
        }
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": workers,
            "year": year,
            "currency": currency,
            "statements": statements,
        }
