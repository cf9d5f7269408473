"""Webhooks (Standard Webhooks): events written to an outbox in the transaction of the
change they report (:mod:`app.webhooks.events`), signed (:mod:`app.webhooks.signing`) and
sent at least once, in order per customer, with backoff (:mod:`app.webhooks.sender`)."""
