from . import welfare_listing_reject
