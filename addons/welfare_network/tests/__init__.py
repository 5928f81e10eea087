from . import (
    test_fiscalcode,
    test_portal,
    test_record_rules,
    test_welfare_certification,
    test_welfare_convention,
    test_welfare_family_member,
    test_welfare_membership,
)
