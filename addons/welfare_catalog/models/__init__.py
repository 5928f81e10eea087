from . import (
    delivery_carrier,
    product_template,
    res_config_settings,
    res_partner,
    sale_order,
    welfare_convention,
    welfare_service_category,
)
