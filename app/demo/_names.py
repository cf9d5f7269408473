"""Names of the demo's people and companies, by culture, and how they become addresses.

Pools are small on purpose: combinations give enough variety for a few thousand
customers, and repeated first names are realistic. Russian and Kazakh people carry a
Cyrillic name and its usual Latin transliteration (used in their addresses).
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple


class Person(NamedTuple):
    """A person's first and last name, how their address spells them, and gender."""

    first: str
    last: str
    first_ascii: str
    last_ascii: str
    female: bool


def _pool(text: str) -> tuple[tuple[str, bool], ...]:
    """``"Anna/f Jonas"`` → ``(("Anna", True), ("Jonas", False))``; "_" stands for a space."""
    return tuple(
        (word.removesuffix("/f").replace("_", " "), word.endswith("/f")) for word in text.split()
    )


def _words(text: str) -> tuple[str, ...]:
    """The blank-separated words of ``text``."""
    return tuple(text.split())


_FIRST: dict[str, tuple[tuple[str, bool], ...]] = {
    "en": _pool("James Michael David John Robert Daniel Mark Paul Steven Andrew Sarah/f Emma/f "
                "Laura/f Jessica/f Emily/f Rachel/f Karen/f Olivia/f Hannah/f"),
    "de": _pool("Jonas Thomas Stefan Markus Andreas Michael Tobias Florian Julia/f Sabine/f "
                "Katrin/f Anna/f Claudia/f Laura/f"),
    "fr": _pool("Pierre Nicolas Julien Thomas Laurent Antoine Marie/f Sophie/f Camille/f "
                "Claire/f Isabelle/f Nathalie/f"),
    "es": _pool("Carlos Javier Miguel Alejandro José Luis Diego Andrés María/f Lucía/f Carmen/f "
                "Ana/f Laura/f Paula/f Sofía/f"),
    "it": _pool("Marco Luca Giuseppe Alessandro Matteo Giulia/f Francesca/f Chiara/f"),
    "nl": _pool("Jan Pieter Bram Lars Anouk/f Sanne/f Eva/f"),
    "pl": _pool("Piotr Tomasz Marcin Krzysztof Anna/f Katarzyna/f Magdalena/f"),
    "pt": _pool("João Pedro Rafael Lucas Bruno Thiago Ricardo Ana/f Mariana/f Juliana/f "
                "Fernanda/f Beatriz/f Camila/f"),
    "ar": _pool("Ahmed Mohammed Omar Khalid Hassan Ali Youssef Tariq Fatima/f Layla/f Noor/f "
                "Mariam/f"),
    "tr": _pool("Mehmet Mustafa Emre Burak Serkan Ayşe/f Elif/f Zeynep/f"),
    "ng": _pool("Chukwuemeka Oluwaseun Emeka Tunde Ifeanyi Babajide Ngozi/f Funmilayo/f "
                "Chioma/f Aisha/f"),
    "ke": _pool("Peter Brian Kevin Samuel Joseph Grace/f Faith/f Mercy/f Wanjiru/f"),
    "in": _pool("Rajesh Amit Vikram Suresh Anil Rahul Sanjay Priya/f Neha/f Anjali/f Pooja/f"),
    "th": _pool("Somchai Anan Kittisak Niran Siriporn/f Malee/f Kanya/f"),
    "vn": _pool("Minh Tuan Hung Duc Quang Lan/f Huong/f Thu/f Mai/f"),
    "id": _pool("Budi Agus Dedi Rudi Hendra Siti/f Dewi/f Rina/f Ayu/f"),
}  # fmt: skip
_LAST: dict[str, tuple[str, ...]] = {
    "en": _words(
        "Smith Johnson Brown Taylor Wilson Davies Clarke Walker Wright Thompson Evans "
        "Hughes Miller Anderson Harris Mitchell"
    ),
    "de": _words(
        "Weber Müller Schmidt Fischer Wagner Becker Hoffmann Schulz Koch Richter Krause "
        "Neumann"
    ),
    "fr": _words("Martin Bernard Dubois Moreau Laurent Girard Lefèvre Fontaine Rousseau Mercier"),
    "es": _words(
        "García Martínez López Sánchez González Rodríguez Fernández Pérez Gómez Ruiz "
        "Díaz Torres"
    ),
    "it": _words("Rossi Bianchi Romano Colombo Ricci Marino Greco"),
    "nl": ("de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit"),
    "pl": _words("Nowak Wójcik Kaczmarek Mazur Krawczyk Zając"),
    "pt": _words("Silva Santos Oliveira Souza Costa Pereira Ferreira Almeida Carvalho Rodrigues"),
    "ar": ("Al Mansouri", "Haddad", "Al Farsi", "Nasser", "Saleh", "Hamdan", "Rahman",
           "El Sayed", "Mahmoud"),
    "tr": _words("Yılmaz Kaya Demir Şahin Çelik Aydın"),
    "ng": _words("Okafor Adeyemi Okonkwo Balogun Eze Olawale Nwosu"),
    "ke": _words("Mwangi Otieno Kamau Odhiambo Njoroge Kiprop Wanyama"),
    "in": _words("Sharma Patel Gupta Singh Kumar Mehta Reddy Iyer Agarwal"),
    "th": _words("Srisuk Chaiyaporn Wongsawat Rattanakorn Boonmee"),
    "vn": _words("Nguyen Tran Le Pham Hoang Vu"),
    "id": _words("Santoso Wijaya Hidayat Saputra Kusuma Pratama"),
}  # fmt: skip
_RU_FIRST = (
    ("Дмитрий", "Dmitry", False), ("Алексей", "Alexey", False), ("Сергей", "Sergey", False),
    ("Андрей", "Andrey", False), ("Игорь", "Igor", False), ("Павел", "Pavel", False),
    ("Елена", "Elena", True), ("Ольга", "Olga", True), ("Наталья", "Natalia", True),
    ("Татьяна", "Tatiana", True), ("Ирина", "Irina", True),
)  # fmt: skip
_RU_LAST = (
    ("Иванов", "Ivanov"), ("Смирнов", "Smirnov"), ("Кузнецов", "Kuznetsov"), ("Попов", "Popov"),
    ("Волков", "Volkov"), ("Соколов", "Sokolov"), ("Морозов", "Morozov"), ("Новиков", "Novikov"),
)  # fmt: skip

# Company name stems by culture; Russian ones with their Latin domain spelling.
STEMS: dict[str, tuple[str, ...]] = {
    "en": _words(
        "Brightline Northstar Clearview Summit Harbour Redwood Bluepeak Oakridge "
        "Silverline Keystone Evergreen Horizon Pioneer Sterling Beacon Crestwood "
        "Lakeside Ironbridge Westfield Radiant Lumenco Greenway Skyline Atlas"
    ),
    "de": _words(
        "Lichtwerk Nordlicht Hellmann Sonnenberg Rheinlicht Alpenglanz Lumenhaus Krause "
        "Brandt Lichtblick Elbe Hanse Isar Taunus"
    ),
    "fr": ("Lumière", "Éclat", "Clairval", "Soleil", "Lumiflex", "Beaulieu", "Rivière",
           "Atlantique", "Lumen Sud", "Clarté"),
    "es": ("Luminar", "Andina", "Solaris", "Costa", "Iberluz", "Lumisur", "Alborada",
           "Pacífico", "Sierra", "Brisa", "Luz del Valle"),
    "it": ("Luce Nord", "Lumina", "Arcobaleno", "Stella", "Solare", "Faro"),
    "nl": ("Lichtpunt", "Helder", "Noordzee", "Delta Licht"),
    "pl": ("Polux", "Jasność", "Baltic Light", "Wisła"),
    "pt": ("Luz Forte", "Iluminar", "Paulista", "Horizonte", "Solar Sul", "Brilho",
           "Atlântico", "Lumena"),
    "ar": ("Al Noor", "Gulf Light", "Desert Star", "Al Faisal", "Emirates Lux", "Al Baraka",
           "Oasis", "Falcon"),
    "tr": ("Işık", "Anadolu", "Marmara", "Ege", "Aydınlık"),
    "ng": ("Zenith", "Eko", "Niger Delta", "Sunrise", "Royal Power", "Unity"),
    "ke": ("Savannah", "Kilima", "Tembo", "Jua", "Rift Valley"),
    "in": ("Shree", "Ganesh", "Jyoti", "Prakash", "Surya", "Deepam", "Sai"),
    "th": ("Siam", "Chao Phraya", "Lanna", "Sukhothai"),
    "vn": ("Saigon", "Hoang Long", "Mekong", "Phuong Nam"),
    "id": ("Nusantara", "Cahaya", "Garuda", "Mitra", "Surya Abadi"),
    "ru": ("Светолюкс/svetolux", "ЭлектроСнаб/elektrosnab", "Промсвет/promsvet",
           "ЛайтТрейд/lighttrade", "СветоТехника/svetotehnika", "Энергия/energia",
           "Северный свет/severlight", "Альфа Свет/alfasvet", "Луч/luch"),
}  # fmt: skip

# Words a company of each type often has in its name (English; used for every culture).
TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "distributor": ("Lighting Distribution", "Electrical Distributors", "Light Supply"),
    "importer_wholesaler": ("Trading", "Import & Export", "Wholesale"),
    "retailer": ("Home Stores", "Lighting Store", "Hardware"),
    "ecommerce_seller": ("Online", "Direct", "Smart Living"),
    "contractor_installer": ("Electrical Contractors", "Electrical Services", "Installations"),
    "hotel_hospitality": ("Hotels", "Resorts", "Hospitality Group"),
    "telecom_operator": ("Telecom", "Networks", "Communications"),
    "system_integrator": ("Systems", "Smart Solutions", "Integration"),
    "end_user": ("Logistics", "Manufacturing", "Foods", "Steel Works", "Cold Storage"),
}
NEUTRAL_WORDS = ("Lighting", "Group", "Light", "Electric", "Solutions", "Energy")

TITLES: dict[str, tuple[str, ...]] = {
    "en": ("Purchasing Manager", "Procurement Manager", "Managing Director", "Owner",
           "Project Manager", "Buyer", "Operations Manager", "Technical Director", "CEO",
           "Sourcing Specialist"),
    "de": ("Einkaufsleiter", "Geschäftsführer", "Einkauf", "Projektleiter", "Inhaber"),
    "es": ("Gerente de Compras", "Director General", "Jefe de Proyectos", "Comprador"),
    "fr": ("Responsable Achats", "Directeur Général", "Chef de projet", "Acheteur"),
    "pt": ("Gerente de Compras", "Diretor Comercial", "Comprador", "Sócio-Diretor"),
    "ru": ("Менеджер по закупкам", "Генеральный директор", "Руководитель проектов",
           "Коммерческий директор"),
}  # fmt: skip

FREEMAIL: dict[str, tuple[str, ...]] = {
    "en": ("gmail.com", "outlook.com", "yahoo.com", "hotmail.com"),
    "GB": ("gmail.com", "hotmail.co.uk", "btinternet.com"),
    "de": ("gmx.de", "web.de", "t-online.de", "gmail.com"),
    "fr": ("orange.fr", "hotmail.fr", "gmail.com"),
    "es": ("gmail.com", "hotmail.es", "yahoo.es"),
    "MX": ("hotmail.com", "gmail.com", "yahoo.com.mx"),
    "pt": ("gmail.com", "uol.com.br", "hotmail.com", "bol.com.br"),
    "ru": ("mail.ru", "yandex.ru", "gmail.com"),
    "ar": ("gmail.com", "hotmail.com", "yahoo.com"),
    "in": ("gmail.com", "rediffmail.com", "yahoo.co.in"),
    "asia": ("gmail.com", "yahoo.com", "qq.com", "163.com"),
}
_ASIA = frozenset({"th", "vn", "id"})

_SPECIAL = str.maketrans({"ß": "ss", "ı": "i", "ł": "l", "Ł": "L", "ø": "o", "æ": "ae"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def ascii_fold(text: str) -> str:
    """``text`` without accents or special letters: "Müller" → "Muller", "Yılmaz" → "Yilmaz"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits of ``text`` joined by single hyphens."""
    return _NOT_SLUG.sub("-", ascii_fold(text).lower()).strip("-")


def first_names(culture: str) -> tuple[tuple[str, bool], ...]:
    """The (first name, female) pool of ``culture`` (English for unknown cultures)."""
    return _FIRST.get(culture, _FIRST["en"])


def person(culture: str, first: tuple[str, bool], last_index: int) -> Person:
    """A person of ``culture`` with the given first name and the last name at an index."""
    if culture == "ru":
        cyr, lat, female = _RU_FIRST[last_index % len(_RU_FIRST)]
        last_cyr, last_lat = _RU_LAST[(last_index // len(_RU_FIRST)) % len(_RU_LAST)]
        suffix = ("а", "a") if female else ("", "")
        return Person(cyr, last_cyr + suffix[0], lat, last_lat + suffix[1], female)
    lasts = _LAST.get(culture, _LAST["en"])
    last = lasts[last_index % len(lasts)]
    name, female = first
    return Person(name, last, ascii_fold(name), ascii_fold(last), female)


def freemail_domains(culture: str, country: str) -> tuple[str, ...]:
    """Freemail providers that buyers of ``culture`` in ``country`` use."""
    if country in FREEMAIL:
        return FREEMAIL[country]
    if culture in _ASIA or country in {"MY", "PH"}:
        return FREEMAIL["asia"]
    return FREEMAIL.get(culture, FREEMAIL["en"])
