"""``/v1/customers``: profiles, lookup by address, outcomes."""
