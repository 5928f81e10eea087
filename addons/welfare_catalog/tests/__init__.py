from . import test_portal_listing, test_product_template, test_shop, test_welfare_service_category
