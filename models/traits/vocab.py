"""The fixed vocabularies of trait tags (SPEC §5) and the ISO code sets they use."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from models.language import ISO_639_1
from models.lexicon import word_set

__all__ = [
    "CERTIFICATIONS",
    "COUNTRIES",
    "CUSTOMER_TYPES",
    "INCOTERMS",
    "LANGUAGES",
    "LEAD_SOURCES",
    "ORDER_VOLUMES",
    "PAYMENT_TERMS",
    "SINGLE_VALUED",
    "TRAIT_VOCABULARY",
]

# ISO 3166-1 alpha-2, all 249 officially assigned codes.
COUNTRIES: frozenset[str] = word_set(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN
    BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE
    DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN
    GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE
    KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK
    ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA
    PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK
    SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG
    UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"""
)

LANGUAGES: frozenset[str] = ISO_639_1

CUSTOMER_TYPES = frozenset(
    {
        "distributor",
        "importer_wholesaler",
        "retailer",
        "ecommerce_seller",
        "contractor_installer",
        "hotel_hospitality",
        "telecom_operator",
        "system_integrator",
        "end_user",
    }
)
LEAD_SOURCES = frozenset({"trade_show", "marketplace", "website_form", "referral", "cold_outreach"})
# The eleven Incoterms® 2020 rules (SPEC §5 lists ten; FAS, the eleventh, is kept too).
INCOTERMS = frozenset({"EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP"})
PAYMENT_TERMS = frozenset({"tt", "lc", "dp", "da", "paypal", "western_union", "open_account"})
CERTIFICATIONS = frozenset(
    {
        "CE", "RoHS", "FCC", "UL", "ETL", "SAA", "CB", "GS", "TÜV", "ErP", "ENEC", "DLC",
        "Energy Star", "ISO 9001", "ISO 14001", "REACH", "BIS", "SASO", "CCC", "KC", "PSE",
        "EMC", "LVD", "IEC", "UKCA", "CSA", "FDA", "EAC", "INMETRO", "ANATEL", "NOM", "RCM",
        "WEEE", "BSMI", "SIRIM",
    }
)  # fmt: skip
ORDER_VOLUMES = frozenset({"sample", "small", "medium", "large"})

TRAIT_VOCABULARY: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "customer_type": CUSTOMER_TYPES,
        "lead_source": LEAD_SOURCES,
        "country": COUNTRIES,
        "language": LANGUAGES,
        "incoterm": INCOTERMS,
        "payment_terms": PAYMENT_TERMS,
        "certifications": CERTIFICATIONS,
        "order_volume": ORDER_VOLUMES,
        "price_sensitive": frozenset({"yes", "no"}),
        "responsiveness": frozenset({"fast", "normal", "slow"}),
    }
)

SINGLE_VALUED: frozenset[str] = frozenset(
    {
        "customer_type",
        "lead_source",
        "country",
        "incoterm",
        "order_volume",
        "price_sensitive",
        "responsiveness",
    }
)
