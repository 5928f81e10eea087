import io
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools.misc import xlsxwriter

USES = ("redeem", "refund")
BACK_TO_FUND = ("lapse", "cancel")
# Figures of every row of a breakdown (and of the totals).
FIGURES = ("workers_with_voucher", "workers_reached", "issued", "spent", "copay", "open", "lapsed")
MONEY = ("issued", "spent", "copay", "open", "lapsed")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportWelfareFundStatement(models.AbstractModel):
    """The funder's statement (rendicontazione) of a fund for a period: the figures the
    call that funds it asks for, as a PDF (QWeb) and as an XLSX workbook."""

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
            "statements": {fund.id: self._fund_statement_values(fund, date_from, date_to) for fund in funds},
        }

    # ------------------------------------------------------------------
    # figures
    # ------------------------------------------------------------------
    @api.model
    def _fund_statement_values(self, fund, date_from, date_to):
        """Figures of the funder's statement (rendicontazione) of ``fund`` from
        ``date_from`` to ``date_to``, as a regional call asks them: workers reached
        against the fund's target, by residence ambit, by member and by service
        category; credit issued, spent, co-paid by the workers, still open and lapsed;
        the share spent at km 0 producers, in the social economy and in the ambits.

        - issued, spent (net of refunds), lapsed (expired or cancelled, back to the
          fund): ledger lines dated in the period;
        - open: what the fund's vouchers still hold at the end of the period (their
          whole ledger up to ``date_to``);
        - co-payments: what the workers paid themselves on the order lines that this
          fund's credit paid in part in the period (the line total less all the welfare
          credit paid on it); in person, the whole price on the provider's document to the
          worker, as the provider declared it when redeeming, less the voucher's share;
        - workers with a voucher: those holding a voucher of the fund issued by the end
          of the period (not cancelled); workers reached in the period: those who spent
          from it.

        Grouped queries only: a few per breakdown, whatever the number of workers."""
        Move = self.env["welfare.voucher.move"].sudo()
        currency = fund.currency_id
        to_date = [("fund_id", "=", fund.id), ("date", "<=", date_to)]
        period = [*to_date, ("date", ">=", date_from)]
        holders = [*to_date, ("move_type", "=", "issue"), ("voucher_id.state", "!=", "cancelled")]
        redeems = [*period, ("move_type", "=", "redeem")]
        dimensions = {"ambit": "worker_ambit_id", "member": "employer_id", "category": "category_id"}
        copay = self._fund_statement_copayments(Move, redeems, date_to, dimensions)

        def breakdown(groupby, uses_only=False):
            """{key: {figure: value}}; ``groupby``: [] for the totals (key ``()``)."""
            rows = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
            period_domain = [*period, ("move_type", "in", USES)] if uses_only else period
            for *key, move_type, amount in Move._read_group(period_domain, [*groupby, "move_type"], ["amount:sum"]):
                row = rows[tuple(key)]
                if move_type == "issue":
                    row["issued"] += amount
                elif move_type in USES:
                    row["spent"] -= amount
                elif move_type in BACK_TO_FUND:
                    row["lapsed"] -= amount
            for *key, count in Move._read_group(redeems, groupby, ["worker_id:count_distinct"]):
                if count:
                    rows[tuple(key)]["workers_reached"] = count
            if not uses_only:
                for *key, amount in Move._read_group(to_date, groupby, ["amount:sum"]):
                    if not currency.is_zero(amount) or tuple(key) in rows:
                        rows[tuple(key)]["open"] += amount
                for *key, count in Move._read_group(holders, groupby, ["worker_id:count_distinct"]):
                    if count:
                        rows[tuple(key)]["workers_with_voucher"] = count
            field = groupby[0] if groupby else None
            for line_dimensions, amount in copay:
                rows[(line_dimensions[field],) if field else ()]["copay"] += amount
            for row in rows.values():
                for name in MONEY:
                    row[name] = currency.round(row[name])
            return rows

        def labelled(rows, missing_label):
            """Rows as a list of dicts with a name, sorted by name, the unknown last."""
            result = [
                {"name": record.display_name if record else missing_label, **figures}
                for (record,), figures in rows.items()
            ]
            return sorted(result, key=lambda row: (row["name"] == missing_label, row["name"] or ""))

        totals = breakdown([]).get((), dict.fromkeys(FIGURES, 0))
        by_ambit = labelled(breakdown([dimensions["ambit"]]), self.env._("Outside the network's ambits"))
        by_member = labelled(breakdown([dimensions["member"]]), self.env._("Not specified"))
        by_category = labelled(breakdown([dimensions["category"]], uses_only=True), self.env._("Not specified"))

        # Where the money went: per provider, and the territorial shares.
        uses = [*period, ("move_type", "in", USES)]
        by_provider = defaultdict(float)
        shares = defaultdict(float)
        groups = Move._read_group(
            uses, ["provider_id", "provider_is_producer", "is_third_sector", "provider_ambit_id"], ["amount:sum"]
        )
        for provider, is_producer, is_third_sector, provider_ambit, amount in groups:
            by_provider[provider.name or "-"] -= amount
            shares["km0"] -= amount if is_producer else 0.0
            shares["third_sector"] -= amount if is_third_sector else 0.0
            shares["in_ambits"] -= amount if provider_ambit else 0.0
        spent = totals["spent"]

        def share(name):
            part = currency.round(shares[name])
            return (part, 100.0 * part / spent if spent else 0.0)

        target = fund.target_worker_count
        return {
            "fund": fund,
            "currency": currency,
            "date_from": date_from,
            "date_to": date_to,
            "target": target,
            "target_percent": 100.0 * totals["workers_with_voucher"] / target if target else 0.0,
            **totals,
            "totals": totals,
            "by_ambit": by_ambit,
            "by_member": by_member,
            "by_category": by_category,
            "by_provider": sorted(
                ((name, currency.round(amount)) for name, amount in by_provider.items()), key=lambda kv: -kv[1]
            ),
            "km0": share("km0"),
            "third_sector": share("third_sector"),
            "in_ambits": share("in_ambits"),
        }

    @api.model
    def _fund_statement_copayments(self, Move, redeems, date_to, dimensions):
        """What the workers paid themselves on the order lines partly paid by the
        redemptions ``redeems``: [({dimension field: record}, the line total less all the
        welfare credit, of any fund and net of refunds, paid on it by ``date_to``)].
        Lines of cancelled orders, and lines whose credit was all given back, count none."""
        groupby = ["sale_order_line_id", *dimensions.values()]
        rows = Move._read_group([*redeems, ("sale_order_line_id", "!=", False)], groupby)
        keys = {row[0]: dict(zip(dimensions.values(), row[1:])) for row in rows}
        lines = self.env["sale.order.line"].sudo().browse([line.id for line in keys])
        paid = dict(
            Move._read_group(
                [("sale_order_line_id", "in", lines.ids), ("move_type", "in", USES), ("date", "<=", date_to)],
                ["sale_order_line_id"],
                ["amount:sum"],
            )
        )
        result = []
        # In person (multi-purpose vouchers): the whole price the provider declared.
        fields_ = list(dimensions.values())
        for *values, price, amount in Move._read_group(
            [*redeems, ("sale_order_line_id", "=", False), ("service_price", ">", 0)],
            fields_,
            ["service_price:sum", "amount:sum"],
        ):
            company_currency = self.env.company.currency_id
            own = company_currency.round(price + amount)  # a redemption is negative
            if company_currency.compare_amounts(own, 0) > 0:
                result.append((dict(zip(fields_, values)), own))
        for line in lines:
            currency = line.currency_id
            welfare = -paid.get(line, 0.0)
            if line.state == "cancel" or currency.compare_amounts(welfare, 0) <= 0:
                continue
            own = currency.round(line.price_total - welfare)
            if currency.compare_amounts(own, 0) > 0:
                result.append((keys[line], own))
        return result

    # ------------------------------------------------------------------
    # XLSX
    # ------------------------------------------------------------------
    @api.model
    def _fund_statement_xlsx(self, fund, date_from, date_to):
        """The funder's statement as an XLSX workbook (bytes): a summary sheet and one
        sheet per breakdown (residence ambit, member, service category, provider), the
        same figures as the PDF."""
        values = self._fund_statement_values(fund, date_from, date_to)
        currency = fund.currency_id
        _ = self.env._
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        bold = workbook.add_format({"bold": True})
        title = workbook.add_format({"bold": True, "font_size": 14})
        header = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True})
        symbol = (currency.symbol or currency.name).replace('"', "")
        money_format = f'"{symbol}" #,##0.00' if currency.position == "before" else f'#,##0.00 "{symbol}"'
        money = workbook.add_format({"num_format": money_format})
        money_bold = workbook.add_format({"num_format": money_format, "bold": True, "top": 1})
        percent = workbook.add_format({"num_format": "0.0%"})
        date = workbook.add_format({"num_format": "dd/mm/yyyy", "align": "left"})
        total_format = workbook.add_format({"bold": True, "top": 1})

        summary = workbook.add_worksheet(_("Statement")[:31])
        summary.set_column(0, 0, 52)
        summary.set_column(1, 2, 16)
        summary.write(0, 0, _("Funder statement"), title)
        summary.write(1, 0, fund.name, bold)
        summary.write(2, 0, _("Funder"))
        summary.write(2, 1, fund.funder_id.name)
        summary.write(3, 0, _("From"))
        summary.write_datetime(3, 1, values["date_from"], date)
        summary.write(4, 0, _("To"))
        summary.write_datetime(4, 1, values["date_to"], date)
        rows = [
            (_("Budget"), fund.budget, money),
            (_("Issued in the period"), values["issued"], money),
            (_("Spent in the period"), values["spent"], money),
            (_("Co-payments by the workers"), values["copay"], money),
            (_("Lapsed in the period (back to the fund)"), values["lapsed"], money),
            (_("Open balances at the end of the period"), values["open"], money),
            (_("Target workers"), values["target"], None),
            (_("Workers with a voucher"), values["workers_with_voucher"], None),
            (_("Share of the target"), values["target_percent"] / 100.0, percent),
            (_("Workers who used their voucher in the period"), values["workers_reached"], None),
        ]
        row_index = 6
        for label, value, cell_format in rows:
            summary.write(row_index, 0, label)
            summary.write_number(row_index, 1, value, cell_format)
            row_index += 1
        row_index += 1
        summary.write(row_index, 0, _("Territorial impact"), bold)
        row_index += 1
        for label, key in (
            (_("At km 0 producers"), "km0"),
            (_("At social cooperatives and third-sector providers"), "third_sector"),
            (_("Inside the network's ambits"), "in_ambits"),
        ):
            amount, share = values[key]
            summary.write(row_index, 0, label)
            summary.write_number(row_index, 1, amount, money)
            summary.write_number(row_index, 2, share / 100.0, percent)
            row_index += 1

        all_columns = [
            ("workers_with_voucher", _("Workers with a voucher"), None),
            ("workers_reached", _("Workers who used their voucher in the period"), None),
            ("issued", _("Issued in the period"), money),
            ("spent", _("Spent in the period"), money),
            ("copay", _("Co-payments"), money),
            ("open", _("Open balances at the end of the period"), money),
            ("lapsed", _("Lapsed in the period (back to the fund)"), money),
        ]
        use_columns = [column for column in all_columns if column[0] in ("workers_reached", "spent", "copay")]
        sheets = [
            (_("By residence ambit"), _("Residence ambit"), values["by_ambit"], all_columns),
            (_("By member"), _("Member"), values["by_member"], all_columns),
            (_("By service"), _("Service category"), values["by_category"], use_columns),
        ]
        for sheet_name, first_header, breakdown, columns in sheets:
            sheet = workbook.add_worksheet(sheet_name[:31])
            sheet.set_column(0, 0, 40)
            sheet.set_column(1, len(columns), 16)
            sheet.set_row(0, 45)
            sheet.write(0, 0, first_header, header)
            for col, (_key, label, _format) in enumerate(columns, start=1):
                sheet.write(0, col, label, header)
            for row, line in enumerate(breakdown, start=1):
                sheet.write(row, 0, line["name"])
                for col, (key, _label, cell_format) in enumerate(columns, start=1):
                    sheet.write_number(row, col, line[key], cell_format)
            total_row = len(breakdown) + 1
            sheet.write(total_row, 0, _("Total"), total_format)
            for col, (key, _label, cell_format) in enumerate(columns, start=1):
                sheet.write_number(total_row, col, values[key], money_bold if cell_format else total_format)
        sheet = workbook.add_worksheet(_("By provider")[:31])
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, 1, 16)
        sheet.write(0, 0, _("Provider"), header)
        sheet.write(0, 1, _("Spent in the period"), header)
        for row, (name, amount) in enumerate(values["by_provider"], start=1):
            sheet.write(row, 0, name)
            sheet.write_number(row, 1, amount, money)
        total_row = len(values["by_provider"]) + 1
        sheet.write(total_row, 0, _("Total"), total_format)
        sheet.write_number(total_row, 1, values["spent"], money_bold)
        workbook.close()
        return buffer.getvalue()
