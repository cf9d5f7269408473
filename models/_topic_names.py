"""Short readable topic names built from a topic's ranked keywords."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

MAX_NAME_WORDS = 3


def _merge(parts: list[str], keyword: str) -> list[str] | None:
    """``parts`` with ``keyword`` added, or None when it brings no new word.

    A phrase that contains an already chosen single word takes that word's place, so
    "light" followed by "street light" gives "street light", not "light street light".
    """
    words = keyword.split()
    chosen = {word for part in parts for word in part.split()}
    if all(word in chosen for word in words):
        return None
    if len(words) > 1:
        absorbed = [part for part in parts if " " not in part and part in words]
        if absorbed:
            merged = [part for part in parts if part not in absorbed]
            merged.insert(parts.index(absorbed[0]), keyword)
            return merged
    return [*parts, keyword]


def _word_count(parts: Iterable[str]) -> int:
    return sum(len(part.split()) for part in parts)


def name_from_keywords(keywords: Sequence[str], *, max_words: int = MAX_NAME_WORDS) -> str:
    """A name of up to ``max_words`` distinct words taken from the best keywords, in rank order.

    ``("solar", "street light", "solar street", "pole")`` gives "solar street light".
    A topic without keywords is called "misc".
    """
    parts: list[str] = []
    for keyword in keywords:
        merged = _merge(parts, keyword)
        if merged is None:
            continue
        if parts and _word_count(merged) > max_words:
            continue
        parts = merged
        if _word_count(parts) >= max_words:
            break
    return " ".join(parts) if parts else "misc"


def unique_names(keyword_lists: Sequence[Sequence[str]], taken: Iterable[str] = ()) -> list[str]:
    """One name per keyword list, none equal to another or to a name in ``taken``.

    A clash is resolved by allowing the later topic more keywords; when its keywords run
    out, a number is appended ("misc 2").
    """
    used = set(taken)
    names: list[str] = []
    for keywords in keyword_lists:
        name = name_from_keywords(keywords)
        longest = _word_count(keywords)
        extra = MAX_NAME_WORDS
        while name in used and extra < longest:
            extra += 1
            name = name_from_keywords(keywords, max_words=extra)
        number = 2
        base = name
        while name in used:
            name = f"{base} {number}"
            number += 1
        used.add(name)
        names.append(name)
    return names
