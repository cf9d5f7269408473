"""World regions of ISO 3166-1 countries, so that a few customers per country still teach
the lookalike something about their region (a coarse, UN M49-like grouping)."""

from __future__ import annotations

from models.lexicon import word_set

_GROUPS = {
    "europe": """AD AL AT BA BE BG CH CY CZ DE DK EE ES FI FO FR GB GI GR HR HU IE IS IT LI LT
        LU LV MC MD ME MK MT NL NO PL PT RO RS SE SI SK SM UA VA XK""",
    "cis": "AM AZ BY GE KG KZ RU TJ TM UZ",
    "north_america": "BM CA GL PM US",
    "latin_america": """AG AR AW BB BO BR BS BZ CL CO CR CU CW DM DO EC GD GT GY HN HT JM KN LC
        MX NI PA PE PR PY SR SV TT UY VC VE""",
    "middle_east": "AE BH IL IQ IR JO KW LB OM PS QA SA SY TR YE",
    "north_africa": "DZ EG LY MA SD TN",
    "sub_saharan_africa": """AO BF BI BJ BW CD CF CG CI CM CV DJ ER ET GA GH GM GN GQ GW KE KM LR LS
        MG ML MR MU MW MZ NA NE NG RE RW SC SL SN SO SS ST SZ TD TG TZ UG ZA ZM ZW""",
    "south_asia": "AF BD BT IN LK MV NP PK",
    "east_asia": "CN HK JP KP KR MN MO TW",
    "southeast_asia": "BN ID KH LA MM MY PH SG TH TL VN",
    "oceania": "AU FJ NC NZ PF PG SB TO VU WS",
}
REGIONS: dict[str, str] = {
    code: region for region, codes in _GROUPS.items() for code in word_set(codes)
}


def region_of(country: str | None) -> str | None:
    """The region of an ISO 3166-1 alpha-2 code (any case), or None when unknown."""
    return None if country is None else REGIONS.get(country.upper())
