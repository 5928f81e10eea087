from . import (
    account_move,
    payment_provider,
    payment_transaction,
    res_company,
    res_users,
    sale_order,
    welfare_campaign,
    welfare_campaign_line,
    welfare_fund,
    welfare_voucher,
    welfare_voucher_move,
)
