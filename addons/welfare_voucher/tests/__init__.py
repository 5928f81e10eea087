from . import (
    test_checkout_tour,
    test_redeem_at_provider,
    test_sale_order,
    test_welfare_campaign,
    test_welfare_fund,
    test_welfare_voucher,
    test_welfare_voucher_move,
)
