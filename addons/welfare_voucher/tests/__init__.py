from . import test_welfare_fund
from . import test_welfare_campaign
from . import test_welfare_voucher_move
from . import test_welfare_voucher
from . import test_sale_order
from . import test_redeem_at_provider
from . import test_checkout_tour
