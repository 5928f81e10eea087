from . import welfare_fund_advance
from . import welfare_fund_recharge
from . import welfare_fund_statement
from . import welfare_worker_statement
