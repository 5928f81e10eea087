"""Settlements pay shop sales at their whole price (issue 10, docs/fiscal-model.md flow e).

Before, a settlement paid a provider only the welfare credit spent on its shop sales: the
worker's co-payment, collected by the network, was never passed on. Now:
- a shop sale an earlier settlement already paid is marked as settled by it, so that its
  credit is not paid a second time;
- what that settlement left unpaid (the co-payment) is written in its chatter, per sale,
  for accounting to pay: nothing is lost silently;
- sales no settlement paid (paid by card only) are left to settle: the provider is owed
  them and the next settlement of their period takes them."""

from markupsafe import Markup
from openupgradelib import openupgrade


@openupgrade.migrate()
def migrate(env, version):
    openupgrade.logged_query(
        env.cr,
        """
        UPDATE sale_order_line line
           SET welfare_settlement_id = move.settlement_id
          FROM welfare_voucher_move move
         WHERE move.sale_order_line_id = line.id
           AND move.settlement_id IS NOT NULL
           AND line.welfare_settlement_id IS NULL
        """,
    )
    settlements = env["welfare.settlement"].search([("sale_line_ids", "!=", False)])
    for settlement in settlements:
        currency = settlement.currency_id
        rows = []
        moves = settlement.move_ids.grouped("sale_order_line_id")
        for line in settlement.sale_line_ids:
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
                    env._(
                        "This settlement paid the providers only the welfare credit of these shop sales; the "
                        "co-payment the network collected is still owed to them:"
                    ),
                    Markup("").join(rows),
                )
            )
