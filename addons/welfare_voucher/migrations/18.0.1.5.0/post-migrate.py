"""Settlements pay shop sales at their whole price and are matched to the providers' own
e-invoices (issue 10, docs/fiscal-model.md flow e).

Before, a settlement drafted the provider's bill itself and paid only the welfare credit
spent in the shop: the worker's co-payment, collected by the network, was never passed
on. Now:
- the bills settlements drafted are marked as the network's own documents (cancelled,
  not unlinked, if their settlement is cancelled); those of draft settlements are
  deleted and their uses freed: computing the settlement again makes its statement;
- a shop sale an earlier (not cancelled) settlement paid the credit of is marked as
  settled by it, and the worker's credit notes it netted likewise, so that neither is
  paid or deducted a second time;
- what that settlement left unpaid (the co-payment of a sale not cancelled) is written in
  its chatter, per sale, in the company's language, for accounting to pay;
- sales no settlement paid (paid by card only) are left to settle: the provider is owed
  them and the next settlement takes them;
- published listings get the VAT their provider's invoice carries (supplier taxes)."""

from markupsafe import Markup
from openupgradelib import openupgrade


@openupgrade.migrate()
def migrate(env, version):
    cr = env.cr
    openupgrade.logged_query(
        cr,
        """
        UPDATE account_move move
           SET welfare_drafted_by_network = TRUE
         WHERE move.welfare_settlement_id IS NOT NULL
           AND move.move_type = 'in_invoice'
        """,
    )
    drafts = env["welfare.settlement"].search([("state", "=", "draft")])
    drafted = drafts.sudo().bill_ids.filtered(lambda b: b.state == "draft")
    drafted.unlink()
    drafts.move_ids.sudo().write({"settlement_id": False})
    env.flush_all()
    openupgrade.logged_query(
        cr,
        """
        UPDATE sale_order_line line
           SET welfare_settlement_id = paid.settlement_id
          FROM (
                SELECT move.sale_order_line_id, MIN(move.settlement_id) AS settlement_id
                  FROM welfare_voucher_move move
                  JOIN welfare_settlement settlement ON settlement.id = move.settlement_id
                 WHERE move.move_type = 'redeem'
                   AND settlement.state IN ('confirmed', 'paid')
                 GROUP BY move.sale_order_line_id
               ) paid
         WHERE paid.sale_order_line_id = line.id
           AND line.welfare_settlement_id IS NULL
        """,
    )
    openupgrade.logged_query(
        cr,
        """
        UPDATE account_move_line aml
           SET welfare_settlement_id = netted.settlement_id
          FROM (
                SELECT move.credit_note_id, MIN(move.settlement_id) AS settlement_id
                  FROM welfare_voucher_move move
                  JOIN welfare_settlement settlement ON settlement.id = move.settlement_id
                 WHERE move.move_type = 'refund'
                   AND move.credit_note_id IS NOT NULL
                   AND settlement.state IN ('confirmed', 'paid')
                 GROUP BY move.credit_note_id
               ) netted
         WHERE aml.move_id = netted.credit_note_id
           AND aml.display_type = 'product'
           AND aml.welfare_settlement_id IS NULL
        """,
    )
    # The VAT the providers' invoices carry, set at review from now on: set it on the
    # listings already published (Odoo gave them the company's default purchase tax).
    for listing in env["product.template"].search([("welfare_listing_state", "=", "published")]):
        company = listing.company_id or env.company
        listing.supplier_taxes_id = [(6, 0, listing._welfare_supplier_taxes(company).ids)]
    settlements = env["welfare.settlement"].search(
        [("sale_line_ids", "!=", False), ("state", "in", ("confirmed", "paid"))]
    )
    for settlement in settlements:
        lang = settlement.company_id.partner_id.lang or "en_US"
        settlement = settlement.with_context(lang=lang)
        currency = settlement.currency_id
        moves = settlement.move_ids.grouped("sale_order_line_id")
        rows = []
        for line in settlement.sale_line_ids.filtered(lambda l: l.state == "sale"):
            paid = -sum(moves.get(line, settlement.move_ids.browse()).mapped("amount"))
            unpaid = line.price_total - paid
            if currency.compare_amounts(unpaid, 0) > 0:
                rows.append(
                    Markup("<li>%s · %s: %s</li>")
                    % (line.order_id.name, line.product_id.display_name, currency.format(unpaid))
                )
        if rows:
            settlement.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    settlement.env._(
                        "This settlement paid the providers only the welfare credit of these shop sales; the "
                        "co-payment the network collected is still owed to them:"
                    ),
                    Markup("").join(rows),
                )
            )
