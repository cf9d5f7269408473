"""The mailbox domain of the API: endpoints, service and schemas (SPEC §8 Mailboxes)."""
