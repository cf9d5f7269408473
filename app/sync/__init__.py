"""IMAP sync wired to the store: one folder at a time, one committed batch at a time."""
