from . import welfare_fund_statement
from . import worker_c3_statement
