"""Write ``models/traits/data/country_names.tsv``: every ISO 3166-1 country's name in the
languages the product reads (en, es, pt, fr, de, it, tr, ru, ar, zh), from the Unicode CLDR
as packaged by Babel. A development tool: ``pip install babel`` then
``python tools/make_country_names.py``; the product reads the file, not Babel.

Left out: names with brackets or commas (CLDR's disambiguated forms) and the few names that
are everyday words or given names in English (see ``_AMBIGUOUS``).
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale

LANGUAGES = ("en", "es", "pt", "fr", "de", "it", "tr", "ru", "ar", "zh")
_AMBIGUOUS = frozenset({"georgia", "jordan", "chad", "guinea", "niger", "turkey", "man", "réunion"})
OUT = Path(__file__).resolve().parents[1] / "models" / "traits" / "data" / "country_names.tsv"


def main() -> None:
    """Write the table: one ``CODE<TAB>name`` line per distinct name, sorted."""
    english = Locale.parse("en").territories
    rows: set[tuple[str, str]] = set()
    for language in LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) != 2 or not code.isalpha() or code in {"EU", "EZ", "UN", "XA", "XB"}:
                continue
            if any(c in name for c in "()[],") or name.casefold() in _AMBIGUOUS:
                continue
            if code not in english:
                continue
            rows.add((code, name))
    lines = [f"{code}\t{name}" for code, name in sorted(rows)]
    header = "# ISO 3166-1 country names from the Unicode CLDR (Unicode License v3); see tools/\n"
    OUT.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} names -> {OUT}")


if __name__ == "__main__":
    main()
