"""Pipeline-state keys of the topic model that enrichment and the rebuild share."""

from __future__ import annotations

TOPICS_BASIS = "topics_basis"
"""What the stored topics were clustered from: "items" (the item lines of customer mail) or
"text" (whole messages, where item lines are rare; see :data:`models.interests.
MIN_ITEM_COVERAGE`). New messages are placed the same way."""
