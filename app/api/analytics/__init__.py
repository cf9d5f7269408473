"""``/v1/analytics``: stage conversion and Kaplan–Meier cycle times of the journey (SPEC §6)."""
