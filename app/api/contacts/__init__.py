"""``/v1/contacts``: erase a person (GDPR)."""
