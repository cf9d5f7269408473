"""Short readable topic names: the topic's most representative phrase, or its best keywords."""

from __future__ import annotations

import math
import re
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


# --- names from the topic's own phrases ------------------------------------------------

MAX_PHRASE_WORDS = 4
_MIN_COVERAGE = 0.2
_PHRASE_BREAK = re.compile(r"[^\w\s'’-]|\d|_|(?<!\w)[-'’]|[-'’](?!\w)")
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")
_PARTS = re.compile(r"[\s-]")  # a hyphenated compound counts as its parts
_APOSTROPHE = re.compile(r"['’]")
_LONG_PART = re.compile(r"(?:^|[\s-])[^\W\d_]{3}")  # some part has 3 letters ("mf-ys" has not)


def _chunks(text: str, stop_words: frozenset[str]) -> list[list[str]]:
    """Runs of content words of ``text`` (lower case): broken at punctuation, digits and
    stop words (and their contractions: "don't", "we’re"); a word of fewer than three
    letters neither starts nor ends a run (nor is a phrase, see :func:`_phrases`)."""
    runs: list[list[str]] = []
    for piece in _PHRASE_BREAK.split(text.lower()):
        run: list[str] = []
        for word in _TOKEN.findall(piece):
            if word in stop_words or _APOSTROPHE.split(word, maxsplit=1)[0] in stop_words:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append(word)
        if run:
            runs.append(run)
    return [_trim(run) for run in runs if _trim(run)]


def _trim(run: list[str]) -> list[str]:
    start, end = 0, len(run)
    while start < end and len(run[start]) < 3:
        start += 1
    while end > start and len(run[end - 1]) < 3:
        end -= 1
    return run[start:end]


def _phrases(text: str, stop_words: frozenset[str]) -> dict[str, float]:
    """Every phrase of 1 … MAX_PHRASE_WORDS words of ``text`` with the relative position
    (0 = start, 1 = end) of its first occurrence; a phrase starts and ends with a word of
    three letters or more, and a hyphenated one ("mf-ys") needs such a part."""
    runs = _chunks(text, stop_words)
    total = sum(len(run) for run in runs) or 1
    found: dict[str, float] = {}
    seen = 0
    for run in runs:
        for size in range(1, min(MAX_PHRASE_WORDS, len(run)) + 1):
            for start in range(len(run) - size + 1):
                words = run[start : start + size]
                phrase = " ".join(words)
                if len(words[0]) < 3 or len(words[-1]) < 3 or not _LONG_PART.search(phrase):
                    continue
                found.setdefault(phrase, (seen + start) / total)
        seen += len(run)
    return found


def topic_phrases(
    texts: Sequence[str], labels: Sequence[int], count: int, stop_words: Iterable[str]
) -> list[str | None]:
    """The most representative phrase of each topic (0 … ``count`` − 1) among ``texts``
    (``labels[i]`` is the topic of ``texts[i]``, −1 none), or None when it has none.

    A phrase is a run of 1 … 4 words between punctuation, digits and ``stop_words``. Its
    score in a topic is the share of the topic's texts that hold it (at least 20 %), times
    how rare it is among the topics (log(1 + topics / topics where at least 20 % hold it)),
    times 1 + ½ per extra word (the parts of a hyphenated word count), times 1 − ⅓ of its
    mean relative position in the texts (what a line names first is its subject).
    Deterministic: ties go to the phrase first in alphabetical order.
    """
    stop = frozenset(word.lower() for word in stop_words)
    held: list[dict[str, float]] = [{} for _ in range(count)]
    sizes = [0] * count
    position: list[dict[str, float]] = [{} for _ in range(count)]
    for text, label in zip(texts, labels, strict=True):
        if label < 0:
            continue
        sizes[label] += 1
        for phrase, where in _phrases(text, stop).items():
            held[label][phrase] = held[label].get(phrase, 0.0) + 1.0
            position[label][phrase] = position[label].get(phrase, 0.0) + where
    common: dict[str, int] = {}
    for topic in range(count):
        for phrase, n in held[topic].items():
            if n >= _MIN_COVERAGE * sizes[topic]:
                common[phrase] = common.get(phrase, 0) + 1
    names: list[str | None] = []
    for topic in range(count):
        best: tuple[float, str] | None = None
        for phrase, n in held[topic].items():
            coverage = n / sizes[topic]
            if coverage < _MIN_COVERAGE:
                continue
            rarity = math.log1p(count / common[phrase])
            length = 1.0 + 0.5 * len(_PARTS.findall(phrase[1:]))
            early = 1.0 - position[topic][phrase] / n / 3.0
            score = coverage * rarity * length * early
            if best is None or (score, _reverse(phrase)) > (best[0], _reverse(best[1])):
                best = (score, phrase)
        names.append(None if best is None else best[1])
    return names


def _reverse(phrase: str) -> tuple[int, ...]:
    """A key that sorts phrases in reverse alphabetical order (so max picks the first)."""
    return tuple(-ord(c) for c in phrase)


def phrase_names(
    phrases: Sequence[str | None],
    keyword_lists: Sequence[Sequence[str]],
    taken: Iterable[str] = (),
) -> list[str]:
    """One name per topic: its phrase, or (when it has none, or another topic has the same)
    the name :func:`unique_names` makes from its keywords; never a name in ``taken``."""
    used = set(taken)
    names: list[str] = []
    for phrase, keywords in zip(phrases, keyword_lists, strict=True):
        if phrase is not None and phrase not in used:
            name = phrase
        else:
            [name] = unique_names([keywords], used)
        used.add(name)
        names.append(name)
    return names
