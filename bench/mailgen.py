"""Realistic generated mail for benchmarks: multipart/alternative, HTML-only, attachments."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

PRODUCTS = [
    "LED panel 600x600",
    "solar street light",
    "high bay 150W",
    "LED strip 24V",
    "flood light",
]
PHRASES = [
    "Please send your best price and the lead time.",
    "We need the CE and RoHS certificates before we can order.",
    "Could you quote FOB Ningbo and CIF Hamburg?",
    "Our customer asks for a sample before the trial order.",
    "Payment by T/T, 30% deposit and 70% before shipment.",
]


def generated_mail(count: int, seed: int = 7) -> list[bytes]:
    """``count`` messages mixing plain, multipart/alternative, HTML-only and attachments."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    messages = []
    for i in range(count):
        msg = EmailMessage()
        msg["From"] = f"Buyer {i % 97} <buyer{i % 97}@importer{i % 41}.com>"
        msg["To"] = "sales@exporter.com"
        msg["Subject"] = f"Inquiry {i}: {rng.choice(PRODUCTS)}"
        msg["Date"] = format_datetime(start + timedelta(minutes=37 * i))
        msg["Message-ID"] = f"<gen-{seed}-{i}@bench.leadlens>"
        text = "\n".join(rng.choice(PHRASES) for _ in range(rng.randint(3, 12)))
        text = f"Dear sales team,\n\n{text}\n\nBest regards,\nBuyer {i % 97}\n"
        kind = i % 4
        if kind == 1:
            msg.set_content(text)
            msg.add_alternative(
                f"<html><body><p>{text.replace(chr(10), '<br>')}</p></body></html>", subtype="html"
            )
        elif kind == 2:
            msg.set_content(
                f"<html><body><div>{text.replace(chr(10), '<br>')}</div></body></html>",
                subtype="html",
            )
        else:
            msg.set_content(text)
        if kind == 3:
            msg.add_attachment(
                rng.randbytes(rng.randint(2_000, 30_000)),
                maintype="application",
                subtype="pdf",
                filename=f"spec-{i}.pdf",
            )
        messages.append(msg.as_bytes())
    return messages
