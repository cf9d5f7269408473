"""Multilingual phrase lexicons: many short phrases found in a text in one pass.

A :class:`Lexicon` is built once from :class:`Rule` s and scans texts for them:

- phrases of words (Latin, Cyrillic, Greek …) go to a spaCy ``PhraseMatcher`` over a blank
  multilingual (``xx``) pipeline whose tokenizer splits at plain punctuation (hyphens,
  slashes, a dot between letters) but keeps e-mail addresses and URLs whole: matching is
  case-insensitive, on token boundaries, and a hash lookup per token, so hundreds of
  phrases cost little more than tokenising;
- a word written with a trailing ``*`` matches every word that starts with it
  (``дистрибьютор*`` finds ``дистрибьютором``): the tokenizer's ``NORM`` attribute maps
  such words to their stem, so this stays a hash lookup. A stem is one token of the text
  (write ``телеком - оператор*`` for the hyphenated word), at least 3 letters long, and
  applies to the whole lexicon: a plain word starting with it ("shopify" beside "shop*")
  is refused, as it could only match as the stem;
- CJK characters are tokens of their own (a blank tokenizer does not split Chinese into
  words), so a Chinese phrase matches wherever its characters follow each other, and Latin
  codes next to them ("需要CE认证") are tokens too.

spaCy's vocabulary keeps every string it has seen, so a lexicon rebuilds its pipeline
after :data:`REBUILD_AFTER_STRINGS` strings. Scanning is thread-safe (a lock guards the
tokenizer and matcher; building takes ~0.1 s plus spaCy's import, once).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "CJK",
    "REBUILD_AFTER_STRINGS",
    "Lexicon",
    "Match",
    "Rule",
    "once",
    "rules",
    "snippet",
    "word_set",
]

REBUILD_AFTER_STRINGS = 300_000
# Han, kana, Hangul (scripts written without spaces between words) and their punctuation.
_CJK_CHAR = r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
CJK = re.compile(_CJK_CHAR)
# Where a sentence ends: before the next one starts with a capital, or at a line break.
_BOUNDARY = re.compile(r"[.!?](?=\s+[\"'¿¡(A-ZА-ЯЁ])|[。！？]|\n")
# The tokenizer's rules: punctuation comes off a word's ends; hyphens, slashes, "@", "&",
# a dot between letters ("alibaba.com") and every CJK character split a word.
_PREFIX = re.compile(r"""^[(\[{"'¿¡«‹“‘<*#>\-–—•·,;:!?….\/\\|=~_+]""")
_SUFFIX = re.compile(r"""[)\]}"'»›”’>*,;:!?….%\/\\|=~_+\-]$""")
_INFIX = re.compile(rf"""[-–—/\\@+&=~|:,;()\[\]"!?]|(?<=[^\W\d_])\.(?=[^\W\d_])|{_CJK_CHAR}""")
# E-mail addresses and URLs stay whole tokens ("gildea@expo.mit.edu" holds no "expo").
_ADDRESS = re.compile(r"(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+?)$", re.I)
_WORD = re.compile(r"\w+")
# Same-length replacements, so that offsets in the cleaned text are offsets in the input.
_CLEAN = str.maketrans(
    {"\n": " ", "\r": " ", "\t": " ", "\xa0": " ", "\u2019": "'", "\u2018": "'", "\u00b4": "'"}
)


@dataclass(frozen=True, slots=True)
class Rule:
    """One phrase and what finding it means: ``key`` (e.g. ``"customer_type:retailer"``)
    with ``weight`` in [0, 1]. An ``optional`` rule (bulk data, such as country names in
    many languages) is left out of a lexicon where another rule's stem covers one of its
    words, instead of being refused."""

    key: str
    weight: float
    phrase: str
    optional: bool = False


def rules(key: str, weight: float, phrases: str) -> tuple[Rule, ...]:
    """One :class:`Rule` per ``|``-separated phrase of ``phrases`` (blank ones skipped)."""
    return tuple(Rule(key, weight, p.strip()) for p in phrases.split("|") if p.strip())


_T = TypeVar("_T")


def once(build: Callable[[], _T]) -> Callable[[], _T]:
    """A function returning what ``build()`` returns, built on the first call only, under a
    lock, so that threads racing for it share one result (``functools.cache`` may build
    twice)."""
    lock = threading.Lock()
    done: list[_T] = []

    def get() -> _T:
        if not done:
            with lock:
                if not done:
                    done.append(build())
        return done[0]

    get.__doc__ = build.__doc__
    return get


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: compact word lists in rule modules."""
    return frozenset(text.split())


@dataclass(frozen=True, slots=True)
class Match:
    """A rule found at ``text[start:end]``."""

    key: str
    weight: float
    start: int
    end: int


def snippet(text: str, start: int, end: int, limit: int = 160) -> str:
    """The sentence (or line) of ``text`` around ``text[start:end]``, cut to about ``limit``
    characters around it at word boundaries: always a verbatim substring of ``text``."""
    end = min(end, start + limit)
    left = 0
    for boundary in _BOUNDARY.finditer(text, max(0, start - limit), start + 1):
        left = boundary.end()
    after = _BOUNDARY.search(text, end, end + limit)
    right = min(len(text), end + limit) if after is None else after.start() + 1
    if right - left > limit:
        room = max(limit - (end - start), 0)
        left = max(left, start - room // 2)
        right = min(right, max(end, left + limit))
        while 0 < left < start and not text[left - 1].isspace():
            left += 1
        while end < right < len(text) and not text[right].isspace():
            right -= 1
    return text[left:right].strip()


def _fold(word: str) -> str:
    # "İ" lowers to "i" and a combining dot above: Turkish "İmalat" is "imalat".
    return word.lower().replace("ё", "е").replace("\u0307", "")


class Lexicon:
    """Rules compiled for fast scanning; see the module docstring."""

    def __init__(self, items: Iterable[Rule]) -> None:
        """Compile ``items``; spaCy is imported here, not at module import."""
        given = tuple(items)
        self._lock = threading.Lock()
        stems = {
            _fold(word.rstrip("*"))
            for rule in given
            for word in rule.phrase.split()
            if word.endswith("*")
        }
        self._stems: dict[str, tuple[str, ...]] = {}
        for stem in sorted(stems, key=len, reverse=True):
            if len(stem) < 3:
                raise ValueError(f"stem {stem!r} is too short")
            self._stems[stem[:3]] = (*self._stems.get(stem[:3], ()), stem)
        self._rules = tuple(r for r in given if not (r.optional and self._shadowed(r.phrase)))
        self._build()

    def _shadowed(self, phrase: str) -> bool:
        """True when a plain word of ``phrase`` starts with a stem (and is longer)."""
        for word in _WORD.findall(_fold(phrase)):
            if any(word != s and word.startswith(s) for s in self._stems.get(word[:3], ())):
                return True
        return False

    def _build(self) -> None:
        import spacy
        from spacy.attrs import NORM  # type: ignore[import-not-found]
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc
        from spacy.vocab import Vocab

        # New words get a NORM only: spaCy's other lexeme attributes cost more than matching.
        vocab = Vocab(lex_attr_getters={NORM: self._norm_getter()})
        nlp: Language = spacy.blank("xx", vocab=vocab)
        tokenizer: Any = nlp.tokenizer  # plain punctuation rules: ~5x faster than the default
        tokenizer.rules = {}
        tokenizer.token_match = None
        tokenizer.url_match = _ADDRESS.match
        tokenizer.prefix_search = _PREFIX.search
        tokenizer.suffix_search = _SUFFIX.search
        tokenizer.infix_finditer = _INFIX.finditer
        matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        by_id: dict[int, Rule] = {}
        for index, rule in enumerate(self._rules):
            words: list[str] = []
            for word in rule.phrase.translate(_CLEAN).split():
                if word.endswith("*"):  # a stem stays one token, whatever it holds
                    words.append(word[:-1])
                    continue
                for token in nlp.make_doc(word):
                    if token.norm_ != _fold(token.text):
                        raise ValueError(
                            f"{token.text!r} in {rule.phrase!r} starts with the stem "
                            f"{token.norm_!r}: write it as that stem"
                        )
                    words.append(token.text)
            label = str(index)
            matcher.add(label, [Doc(nlp.vocab, words=words)])
            by_id[nlp.vocab.strings[label]] = rule
        self._nlp, self._matcher, self._by_id = nlp, matcher, by_id

    def _norm_getter(self) -> Callable[[str], str]:
        stems = self._stems

        def norm(text: str) -> str:
            low = _fold(text)
            for stem in stems.get(low[:3], ()):
                if low.startswith(stem):
                    return stem
            return low

        return norm

    def scan(self, text: str) -> list[Match]:
        """Every rule found in ``text`` (overlaps included), in order of position."""
        found: list[Match] = []
        if not text:
            return found
        clean = text.translate(_CLEAN)
        with self._lock:
            if len(self._nlp.vocab.strings) > REBUILD_AFTER_STRINGS:
                self._build()
            doc = self._nlp.make_doc(clean)
            pairs = self._matcher(doc)
            for match_id, first, last in pairs:
                rule = self._by_id[match_id]
                start = doc[first].idx
                end = doc[last - 1].idx + len(doc[last - 1])
                found.append(Match(rule.key, rule.weight, start, end))
        found.sort(key=lambda m: (m.start, m.end))
        return found
