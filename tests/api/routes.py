"""What the API's routes must demand, by SPEC §8: the one table the auth tests check the
app's own declarations (``require_scope``) and its answers against."""

from __future__ import annotations

PUBLIC = {"/healthz", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
RANK = {"read": 0, "write": 1, "admin": 2}
SCOPE_NEEDED = {
    ("POST", "/v1/mailboxes"): "admin",
    ("GET", "/v1/mailboxes"): "admin",
    ("GET", "/v1/mailboxes/{mailbox_id}"): "admin",
    ("PATCH", "/v1/mailboxes/{mailbox_id}"): "admin",
    ("DELETE", "/v1/mailboxes/{mailbox_id}"): "admin",
    ("POST", "/v1/mailboxes/{mailbox_id}/sync"): "admin",
    ("POST", "/v1/tag"): "read",
    ("GET", "/v1/tags"): "read",
    ("PATCH", "/v1/tags/{tag_id}"): "write",
    ("GET", "/v1/status"): "read",
    ("GET", "/metrics"): "read",
    ("POST", "/v1/rebuild"): "admin",
    ("GET", "/v1/customers"): "read",
    ("GET", "/v1/customers/lookup"): "read",
    ("GET", "/v1/customers/{customer_id}"): "read",
    ("PUT", "/v1/customers/{customer_id}/outcome"): "write",
    ("POST", "/v1/lookalike"): "read",
    ("GET", "/v1/model"): "read",
    ("GET", "/v1/analytics/funnel"): "read",
    ("DELETE", "/v1/contacts/{email}"): "admin",
    ("POST", "/v1/webhooks"): "admin",
    ("GET", "/v1/webhooks"): "admin",
    ("GET", "/v1/webhooks/{webhook_id}"): "admin",
    ("PATCH", "/v1/webhooks/{webhook_id}"): "admin",
    ("DELETE", "/v1/webhooks/{webhook_id}"): "admin",
    ("GET", "/v1/webhooks/{webhook_id}/deliveries"): "admin",
    ("POST", "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry"): "admin",
}
# What anyone may request: liveness, the API's documentation (the schema, no data), and the
# dashboard's sign-in form, its stylesheet and its sign-out (which only deletes the cookie).
PUBLIC_ROUTES = {
    ("GET", "/healthz"),
    ("GET", "/openapi.json"),
    ("HEAD", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/redoc"),
    ("GET", "/ui/login"),
    ("POST", "/ui/login"),
    ("POST", "/ui/logout"),
    ("GET", "/ui/style.css"),
}
PUBLIC_MOUNTS = {"/docs/assets"}  # Swagger UI's and ReDoc's files
# The dashboard's pages read the key from the sign-in cookie; without one they send the
# browser to /ui/login, with too small a scope they answer a 403 page.
UI_SCOPE_NEEDED = {
    ("GET", "/ui"): "read",
    ("GET", "/ui/funnel"): "read",
    ("GET", "/ui/customers"): "read",
    ("GET", "/ui/customers/{customer_id}"): "read",
    ("GET", "/ui/topics"): "read",
    ("POST", "/ui/topics/{tag_id}/rename"): "write",
    ("GET", "/ui/mailboxes"): "admin",
}
