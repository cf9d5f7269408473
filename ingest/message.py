"""Typed values that the ingest layer produces: pure data, no behaviour beyond formatting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Direction = Literal["inbound", "outbound", "internal"]


@dataclass(frozen=True, slots=True)
class Address:
    """One mailbox of an address header (RFC 5322 §3.4): lower-cased address, display name."""

    email: str
    name: str | None = None

    @property
    def domain(self) -> str:
        """The part after the last ``@`` (empty when there is none)."""
        return self.email.rpartition("@")[2]


@dataclass(frozen=True, slots=True)
class Attachment:
    """Metadata of one attached part; the bytes stay inside the raw message."""

    filename: str | None
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class BodyParts:
    """A body split into what the author wrote now, what they quoted, and their signature."""

    new_text: str
    quoted_text: str = ""
    signature: str = ""


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    """Everything leadlens keeps from one RFC 5322 message, decoded to text.

    ``defects`` lists what was wrong with the input and how it was repaired; a message with
    defects is still a message. ``body`` is the full decoded text (HTML converted to text),
    ``parts`` its split into new text, quoted text and signature.
    """

    raw_sha256: str
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    date: datetime | None
    subject: str
    sender: Address | None
    reply_to: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    body: str
    body_format: Literal["plain", "html", "none"]
    parts: BodyParts
    attachments: tuple[Attachment, ...] = ()
    is_bulk: bool = False
    is_auto: bool = False
    defects: tuple[str, ...] = field(default=())
