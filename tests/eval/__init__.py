"""The shared scorer (``../shared/eval``) run against this checkout's service."""
