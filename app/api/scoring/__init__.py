"""``/v1/lookalike`` and ``/v1/model``: is this lead like our won customers?"""
