"""Helpers shared by the trait tests: run one message, check the invariants."""

from __future__ import annotations

from models.traits import TRAIT_VOCABULARY, TraitHit, TraitInput, extract_traits


def check(hits: tuple[TraitHit, ...], message: TraitInput) -> None:
    """The invariants every result keeps."""
    fields = (
        message.subject,
        message.new_text,
        message.signature,
        message.sender_email or "",
        message.contact_email or "",
    )
    seen = set()
    for hit in hits:
        assert hit.value in TRAIT_VOCABULARY[hit.name], hit
        assert 0.0 <= hit.score <= 1.0, hit
        assert len(hit.evidence) <= 160, hit
        assert any(hit.evidence in field for field in fields), hit
        assert (hit.name, hit.value) not in seen
        seen.add((hit.name, hit.value))


def traits(
    text: str,
    signature: str = "",
    *,
    subject: str = "",
    sender: str | None = None,
    direction: str = "inbound",
    language: str | None = "en",
    contact: str | None = None,
    notification: str | None = None,
) -> dict[str, dict[str, TraitHit]]:
    """``{name: {value: hit}}`` for one message, after checking the invariants."""
    message = TraitInput(
        subject,
        text,
        signature,
        sender,
        direction,
        language,
        contact,
        notification,  # type: ignore[arg-type]
    )
    hits = extract_traits(message)
    check(hits, message)
    found: dict[str, dict[str, TraitHit]] = {}
    for hit in hits:
        found.setdefault(hit.name, {})[hit.value] = hit
    return found


def values(name: str, text: str, signature: str = "", **kwargs: object) -> set[str]:
    return set(traits(text, signature, **kwargs).get(name, {}))  # type: ignore[arg-type]
