"""Two browser tabs (two database transactions) spending the same welfare credit at
once: one wins, the other gets a clear message, nothing is overspent.

Real, separate PostgreSQL connections on the installed database (with demo data):
Mario Rossi holds a regional-grant voucher and buys a month of nursery twice."""

import pytest

import odoo
from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tools import config


@pytest.fixture
def registry():
    reg = odoo.modules.registry.Registry(config["db_name"])
    if reg.in_test_mode():
        pytest.skip("needs real, separate database connections")
    return reg


def _env(cr):
    return api.Environment(cr, SUPERUSER_ID, {})


def _cart(env, worker, listing):
    return env["sale.order"].create(
        {
            "partner_id": worker.id,
            "order_line": [(0, 0, {"product_id": listing.product_variant_id.id})],
        }
    )


def test_two_transactions_cannot_overspend(registry):
    with registry.cursor() as cr:
        env = _env(cr)
        worker = env.ref("welfare_network.worker_mario_rossi")
        listing = env.ref("welfare_catalog.listing_retta_nido_girotondo")
        grant = env.ref("welfare_voucher.fund_networking_grant")
        voucher = env["welfare.voucher"].search(
            [("worker_id", "=", worker.id), ("fund_id", "=", grant.id), ("state", "=", "active")], limit=1
        )
        assert voucher, "demo data: Mario Rossi has a grant voucher"
        balance = voucher.balance
        assert balance > 0
        order_ids = [_cart(env, worker, listing).id, _cart(env, worker, listing).id]
        cr.commit()

    cr1, cr2 = registry.cursor(), registry.cursor()
    try:
        env1, env2 = _env(cr1), _env(cr2)
        first = env1["sale.order"].browse(order_ids[0])
        second = env2["sale.order"].browse(order_ids[1])
        # Tab 1 takes the credit and has not committed yet...
        first._welfare_apply_credit()
        # ...tab 2 is refused at once instead of spending the same credit.
        with pytest.raises(UserError, match="being used in another payment"):
            second._welfare_apply_credit()
        cr2.rollback()
        cr1.commit()
        # Once tab 1 committed, tab 2 sees that nothing is left.
        env2.invalidate_all()
        with pytest.raises(UserError, match="Nothing in this cart"):
            second._welfare_apply_credit()
        cr2.rollback()
    finally:
        cr1.close()
        cr2.close()

    with registry.cursor() as cr:
        env = _env(cr)
        voucher = env["welfare.voucher"].browse(voucher.id)
        first = env["sale.order"].browse(order_ids[0])
        # The credit is held on the first cart, not spent: the ledger is untouched.
        assert voucher.balance == balance
        assert voucher.amount_available == 0.0
        assert voucher.hold_ids.sale_order_id == first
        # Confirming the first order captures the hold: one redemption, exactly.
        first.action_confirm()
        assert voucher.balance == 0.0
        assert voucher.balance == sum(voucher.move_ids.mapped("amount"))
        redeems = voucher.move_ids.filtered(lambda m: m.move_type == "redeem")
        assert len(redeems) == 1 and -redeems.amount == balance
        assert redeems.sale_order_id.id == order_ids[0]
        # Leave the demo as it was: cancelling the order gives the credit back.
        env["sale.order"].browse(order_ids).with_context(disable_cancel_warning=True).action_cancel()
        assert voucher.balance == balance
        cr.commit()
