from . import test_portal_listing
from . import test_product_template
from . import test_shop
from . import test_welfare_service_category
from . import test_hostile_input
from . import test_website_branding
from . import test_shop_queries
