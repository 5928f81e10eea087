from . import welfare_ambit
from . import welfare_service_category
from . import welfare_convention
from . import res_partner
from . import product_template
from . import delivery_carrier
from . import sale_order
from . import res_config_settings
