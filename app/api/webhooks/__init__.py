"""``/v1/webhooks``: endpoints that receive signed events, their delivery log, replays."""
