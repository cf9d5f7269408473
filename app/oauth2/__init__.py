"""OAuth2 for mailboxes: provider presets, the token endpoint protocol (pure) and its client."""
