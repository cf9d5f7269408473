"""Repositories: every SQL statement of leadlens lives in one of these modules."""
