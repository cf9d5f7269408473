"""The factory's eight product lines, each with its own vocabulary so that topics separate.

Names are given in every language the demo's buyers write (``en es de fr pt ru``);
models carry a specification line in the technical English that buyers and sellers of
lighting use everywhere, and a FOB unit price in USD.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Model:
    """One model: code, specification line and FOB price per piece (USD)."""

    code: str
    spec: str
    price: float


@dataclass(frozen=True, slots=True)
class Product:
    """A product line: localized names, models, uses and typical quantities (pieces)."""

    key: str
    names: dict[str, str]
    short: str
    models: tuple[Model, ...]
    uses: tuple[str, ...]
    features: tuple[str, ...]
    trial_qty: tuple[int, int]
    bulk_qty: tuple[int, int]

    def name(self, language: str) -> str:
        """The product line's name in ``language`` (English when not translated)."""
        return self.names.get(language, self.names["en"])


def _models(*items: tuple[str, str, float]) -> tuple[Model, ...]:
    return tuple(Model(*item) for item in items)


PRODUCTS: tuple[Product, ...] = (
    Product(
        "led_panel",
        {"en": "LED panel lights", "es": "paneles LED", "de": "LED-Panels",
         "fr": "dalles LED", "pt": "painéis de LED", "ru": "светодиодные панели"},
        "LED panels 600x600",
        _models(("LP-6060-40", "600x600 mm, 40W, 4000K, UGR<19, backlit", 9.8),
                ("LP-6060-36E", "600x600 mm, 36W edge-lit, 3600 lm, flicker-free driver", 8.6),
                ("LP-30120-40", "300x1200 mm, 40W, 4000K, recessed or suspended", 11.5)),
        ("office ceilings", "schools and hospitals", "suspended ceiling grids"),
        ("UGR<19 prismatic diffuser, flicker-free driver, 120 lm/W",
         "Recessed, surface or suspended mounting for 600x600 ceiling grids"),
        (200, 1000), (2000, 8000),
    ),
    Product(
        "high_bay",
        {"en": "UFO high bay lights", "es": "campanas LED UFO", "de": "LED-Hallenstrahler",
         "fr": "cloches LED industrielles", "pt": "luminárias high bay LED",
         "ru": "промышленные светильники High Bay"},
        "UFO high bay 150W",
        _models(("HB-UFO-150", "150W, 160 lm/W, 90° beam, IP65, Meanwell driver", 38.0),
                ("HB-UFO-200", "200W, 160 lm/W, 120° beam, hook mounting", 49.0),
                ("HB-LIN-240", "240W linear high bay, 1-10V dimming, IP65", 62.0)),
        ("warehouses", "factory halls", "logistics centres"),
        ("Die-cast aluminium heat sink, Meanwell driver, 160 lm/W",
         "Mounting height 8-15 m, 60°/90°/120° reflectors"),
        (50, 300), (600, 3000),
    ),
    Product(
        "street_light",
        {"en": "LED street lights", "es": "luminarias LED de alumbrado público",
         "de": "LED-Straßenleuchten", "fr": "lampadaires LED d'éclairage public",
         "pt": "luminárias públicas de LED", "ru": "уличные светодиодные светильники"},
        "LED street light 100W",
        _models(("SL-100", "100W, Type II optics, 140 lm/W, IP66, IK08", 58.0),
                ("SL-150", "150W, NEMA photocell socket, die-cast aluminium housing", 79.0),
                ("SL-60", "60W for 6 m poles, 3000K, Zhaga socket", 42.0)),
        ("road lighting projects", "municipal roads", "highway lighting"),
        ("Type II / Type III road optics, NEMA or Zhaga socket for photocell",
         "Pole-top or side-entry spigot for 6-12 m poles, surge protection 10 kV"),
        (50, 300), (500, 2500),
    ),
    Product(
        "solar_street_light",
        {"en": "all-in-one solar street lights", "es": "luminarias solares todo en uno",
         "de": "Solar-Straßenleuchten", "fr": "lampadaires solaires",
         "pt": "luminárias solares de rua", "ru": "солнечные уличные фонари"},
        "solar street light 60W",
        _models(("SSL-AIO-60", "60W all-in-one, 30Ah LiFePO4 battery, mono solar panel, PIR", 86.0),
                ("SSL-AIO-100", "100W, 3 rainy days autonomy, dusk-to-dawn, motion sensor", 125.0),
                ("SSL-SPL-40", "40W split type, 12.8V lithium battery, 80W solar panel", 98.0)),
        ("off-grid villages", "rural roads", "parking lots without grid power"),
        ("LiFePO4 battery with 2000 cycles, mono-crystalline solar panel, MPPT controller",
         "PIR motion sensor, dusk-to-dawn, 3 rainy days autonomy"),
        (30, 200), (400, 2000),
    ),
    Product(
        "led_strip",
        {"en": "LED strips", "es": "tiras LED", "de": "LED-Streifen", "fr": "rubans LED",
         "pt": "fitas de LED", "ru": "светодиодные ленты"},
        "LED strip 24V",
        _models(("ST-2835-120", "SMD2835, 120 LEDs/m, 24V, 5 m reel, CRI>90", 6.4),
                ("ST-COB-24", "COB strip 24V, 480 chips/m, dot-free, 3M tape", 8.9),
                ("ST-5050-RGB", "SMD5050 RGB, 12V, IP65 silicone coating", 5.2)),
        ("cove lighting", "shop furniture", "kitchen cabinets"),
        ("Cuttable every 5 cm, 3M adhesive tape, pure copper PCB",
         "Aluminium profiles with opal diffuser available"),
        (500, 3000), (5000, 20000),
    ),
    Product(
        "flood_light",
        {"en": "LED flood lights", "es": "reflectores LED", "de": "LED-Fluter",
         "fr": "projecteurs LED", "pt": "refletores de LED", "ru": "светодиодные прожекторы"},
        "LED flood light 200W",
        _models(("FL-200", "200W, asymmetric lens, IP66, 5-year warranty", 45.0),
                ("FL-500", "500W stadium flood light, 15°/30°/60° optics", 168.0),
                ("FL-50", "50W slim flood light, SMD chips, IP65", 9.5)),
        ("sports fields", "façades and billboards", "ports and yards"),
        ("Asymmetric and symmetric lenses for sports fields and façades",
         "Adjustable bracket, anti-glare visor, IP66"),
        (100, 500), (1000, 5000),
    ),
    Product(
        "smart_bulb",
        {"en": "smart bulbs", "es": "bombillas inteligentes", "de": "smarte LED-Lampen",
         "fr": "ampoules connectées", "pt": "lâmpadas inteligentes", "ru": "умные лампы"},
        "smart bulb A60 Wi-Fi",
        _models(("SB-A60-9", "A60 E27 9W, Wi-Fi, Tuya app, RGBCW, Alexa and Google Home", 3.2),
                ("SB-GU10-5", "GU10 5W, Zigbee 3.0, dimmable, tunable white", 2.9),
                ("SB-A60-BT", "A60 E27 10W, Bluetooth mesh, colour box packaging", 2.6)),
        ("smart home retail", "subscriber bundles", "online sales"),
        ("Tuya / Smart Life app, voice control with Alexa and Google Home",
         "Private label colour box and user manual in your language"),
        (1000, 5000), (10000, 40000),
    ),
    Product(
        "downlight",
        {"en": "LED downlights", "es": "downlights LED empotrables", "de": "LED-Einbaustrahler",
         "fr": "spots encastrables LED", "pt": "downlights de LED", "ru": "светодиодные даунлайты"},
        "LED downlight 12W",
        _models(("DL-12-150", "12W, cut-out 150 mm, anti-glare, tri-colour CCT switch", 4.1),
                ("DL-FR-8", "8W fire-rated, IP65 for bathrooms, cut-out 70 mm", 5.3),
                ("DL-TL-20", "20W trimless, 3000K, CRI>90, deep anti-glare", 7.8)),
        ("hotel rooms", "residential projects", "corridors and lobbies"),
        ("Deep anti-glare reflector, CCT switch 3000K/4000K/6000K",
         "Fire-rated housing, IP65 front for bathrooms"),
        (500, 2000), (3000, 12000),
    ),
)  # fmt: skip

BY_KEY: dict[str, Product] = {product.key: product for product in PRODUCTS}
"""Product lines by key."""
