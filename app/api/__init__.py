"""The REST API (FastAPI): one folder per domain with endpoints, service and schemas."""
