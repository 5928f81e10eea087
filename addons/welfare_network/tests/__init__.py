from . import test_fiscalcode
from . import test_portal
from . import test_record_rules
from . import test_welfare_certification
from . import test_welfare_convention
from . import test_welfare_family_member
from . import test_welfare_membership
from . import test_worker_import
