"""The kill soak: the service SIGKILLed at random moments of each phase of its work (a fetch,
a batch commit, enrichment, clustering, profile refresh, a UIDVALIDITY reset, API writes in
flight), restarted each time, then compared with the mail server and with a clean run.

Used by the suite's CI-sized run (tests/sync/test_kill.py) and by the long run
(bench/soak.py): `mail` puts the demo generator's mail on dovecot in waves, `services`
runs `leadlens serve` (or workers) as children, `phases` tells what they are doing,
`writer` sends API writes meanwhile, `checks` compares the stores, `driver` runs it all.
"""
