"""Where the demo's customers are: per country the signals a real buyer's mail carries.

Each :class:`Country` gives the language its buyers may write in (and how many of them
do), the share of companies under the country-code domain, cities with postcode and phone
patterns (``#`` is a random digit), streets and an address format for signatures, the
time zone, the sea port quotations name, the certifications its market asks for, and its
weight among the customers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class City:
    """A city with its postcode pattern and its phone pattern (``#`` = a digit)."""

    name: str
    postcode: str
    phone: str


@dataclass(frozen=True, slots=True)
class Country:
    """One buyer country; ``address`` formats ``{no} {street} {postcode} {city} {country}``."""

    code: str
    name: str
    region: str
    language: str
    native_share: float
    cctld: str
    cctld_share: float
    tz_hours: float
    culture: str
    legal: tuple[str, ...]
    port: str
    certs: str
    weight: float
    cities: tuple[City, ...]
    streets: tuple[str, ...]
    address: str


_STD = "{street} {no}, {postcode} {city}, {country}"
_ANGLO = "{no} {street}, {city} {postcode}, {country}"

# code|name|region|language|native share|ccTLD|ccTLD share|UTC offset|culture|legal forms
# |port|certifications|weight, then indented lines: cities (name|postcode|phone), "@"
# streets separated by ";", "%" the address format (or _STD / _ANGLO).
_TABLE = """
DE|Deutschland|europe|de|0.51|de|0.85|1|de|GmbH;GmbH & Co. KG|Hamburg|CE and RoHS|8
  Hamburg|20###|+49 40 ### ####
  München|80###|+49 89 ### ####
  Köln|50###|+49 221 ### ####
  Berlin|10###|+49 30 ### ####
  @Hauptstraße;Industriestraße;Bahnhofstraße;Am Gewerbepark
  %STD
AT|Österreich|europe|de|0.51|at|0.8|1|de|GmbH|Hamburg|CE and RoHS|2
  Wien|1###|+43 1 ### ####
  Graz|80##|+43 316 ### ###
  @Linzer Straße;Industriezeile
  %STD
GB|United Kingdom|europe|en|0|co.uk|0.8|0|en|Ltd;Limited|Felixstowe|UKCA and CE|6
  London|E# #AB|+44 20 #### ####
  Manchester|M# #QD|+44 161 ### ####
  Birmingham|B# #TT|+44 121 ### ####
  @High Street;Station Road;Mill Lane
  %ANGLO
FR|France|europe|fr|0.51|fr|0.8|1|fr|SARL;SAS|Le Havre|CE and RoHS|4
  Lyon|690##|+33 4 ## ## ## ##
  Paris|750##|+33 1 ## ## ## ##
  Marseille|130##|+33 4 ## ## ## ##
  @avenue Jean Jaurès;rue du Commerce;boulevard Voltaire
  %{no} {street}, {postcode} {city}, {country}
BE|Belgique|europe|fr|0.47|be|0.8|1|fr|SRL;SA|Antwerp|CE and RoHS|1.5
  Bruxelles|10##|+32 2 ### ## ##
  Liège|40##|+32 4 ### ## ##
  @rue Royale;chaussée de Louvain
  %STD
ES|España|europe|es|0.55|es|0.8|1|es|S.L.;S.A.|Valencia|CE and RoHS|4
  Madrid|280##|+34 91 ### ## ##
  Valencia|460##|+34 96 ### ## ##
  Barcelona|080##|+34 93 ### ## ##
  @Calle Mayor;Avenida de la Industria;Calle del Comercio
  %STD
IT|Italy|europe|en|0|it|0.8|1|it|S.r.l.;S.p.A.|Genoa|CE and RoHS|3
  Milano|201##|+39 02 #### ####
  Bologna|401##|+39 051 ### ####
  @Via Roma;Via dell'Industria
  %STD
NL|The Netherlands|europe|en|0|nl|0.85|1|nl|B.V.|Rotterdam|CE and RoHS|3
  Rotterdam|30## AB|+31 10 ### ####
  Eindhoven|56## KL|+31 40 ### ####
  @Industrieweg;Havenstraat
  %STD
PL|Poland|europe|en|0|pl|0.85|1|pl|Sp. z o.o|Gdansk|CE and RoHS|2.5
  Warszawa|00-###|+48 22 ### ## ##
  Gdańsk|80-###|+48 58 ### ## ##
  @ul. Przemysłowa;ul. Marszałkowska
  %STD
PT|Portugal|europe|pt|0.55|pt|0.8|0|pt|Lda.|Leixões|CE and RoHS|1.5
  Lisboa|1###-###|+351 21 ### ####
  Porto|4###-###|+351 22 ### ####
  @Rua Augusta;Avenida da Liberdade
  %STD
US|USA|north_america|en|0|com|0|-5|en|Inc.;LLC|Los Angeles|UL and DLC|8
  New York, NY|100##|+1 212 ### ####
  Houston, TX|770##|+1 713 ### ####
  Los Angeles, CA|900##|+1 213 ### ####
  Chicago, IL|606##|+1 312 ### ####
  @Main Street;Commerce Drive;Industrial Parkway
  %ANGLO
CA|Canada|north_america|en|0|ca|0.7|-5|en|Inc.;Ltd.|Vancouver|cETL and CSA|3
  Toronto, ON|M5V ###|+1 416 ### ####
  Vancouver, BC|V6B ###|+1 604 ### ####
  @King Street;Industrial Road
  %ANGLO
MX|México|latam|es|0.55|com.mx|0.75|-6|es|SA de CV|Manzanillo|NOM|3
  Ciudad de México|06###|+52 55 #### ####
  Monterrey|64###|+52 81 #### ####
  Guadalajara|44###|+52 33 #### ####
  @Av. Insurgentes;Calle Reforma
  %STD
BR|Brasil|latam|pt|0.6|com.br|0.85|-3|pt|Ltda.;S.A.|Santos|INMETRO|4
  São Paulo|01###-###|+55 11 9####-####
  Curitiba|80###-###|+55 41 9####-####
  Rio de Janeiro|20###-###|+55 21 9####-####
  @Av. Paulista;Rua das Indústrias
  %{street}, {no}, {city}, {postcode}, {country}
CL|Chile|latam|es|0.55|cl|0.8|-4|es|SpA;Ltda.|San Antonio|SEC|1.5
  Santiago|75#####|+56 2 #### ####
  Valparaíso|23#####|+56 32 ### ####
  @Av. Providencia;Calle Los Carrera
  %STD
CO|Colombia|latam|es|0.55|com.co|0.75|-5|es|S.A.S.|Cartagena|RETILAP|2
  Bogotá|110###|+57 601 ### ####
  Medellín|050###|+57 604 ### ####
  @Carrera 7;Calle 80
  %STD
PE|Perú|latam|es|0.55|com.pe|0.75|-5|es|S.A.C.|Callao|CE|1.5
  Lima|150##|+51 1 ### ####
  Arequipa|040##|+51 54 ### ###
  @Av. Javier Prado;Jr. de la Unión
  %STD
AR|Argentina|latam|es|0.55|com.ar|0.75|-3|es|S.R.L.;S.A.|Buenos Aires|IRAM|1.5
  Buenos Aires|C1###|+54 11 #### ####
  Córdoba|X5###|+54 351 ### ####
  @Av. Corrientes;Calle Florida
  %STD
AE|UAE|middle_east|en|0|ae|0.6|4|ar|LLC;FZE;Trading LLC|Jebel Ali|CE|4
  Dubai|PO Box ####|+971 4 ### ####
  Sharjah|PO Box ####|+971 6 ### ####
  @Sheikh Zayed Road;Al Quoz Industrial Area
  %{street}, {postcode}, {city}, {country}
SA|Saudi Arabia|middle_east|en|0|com.sa|0.7|3|ar|Co.;Est.|Dammam|SASO|2.5
  Riyadh|1####|+966 11 ### ####
  Jeddah|2####|+966 12 ### ####
  @King Fahd Road;Olaya Street
  %{street}, {city} {postcode}, {country}
TR|Türkiye|middle_east|en|0|com.tr|0.8|3|tr|Ltd. Şti.;A.Ş.|Mersin|CE and RoHS|2
  İstanbul|34###|+90 212 ### ## ##
  Ankara|06###|+90 312 ### ## ##
  @Atatürk Caddesi;Sanayi Sokak
  %STD
EG|Egypt|africa|en|0|com.eg|0.6|2|ar|S.A.E.;Co.|Alexandria|CE|1.5
  Cairo|11###|+20 2 #### ####
  Alexandria|21###|+20 3 ### ####
  @Tahrir Street;El Horreya Road
  %ANGLO
MA|Maroc|africa|fr|0.47|ma|0.75|1|fr|SARL|Casablanca|CE|1.5
  Casablanca|20###|+212 522 ## ## ##
  Rabat|10###|+212 537 ## ## ##
  @boulevard Mohammed V;rue Ibn Batouta
  %{no} {street}, {postcode} {city}, {country}
NG|Nigeria|africa|en|0|com.ng|0.6|1|ng|Ltd;Nigeria Ltd|Apapa|SONCAP|3
  Lagos|1#####|+234 803 ### ####
  Abuja|9#####|+234 809 ### ####
  @Allen Avenue;Adeola Odeku Street
  %{no} {street}, {city}, {country}
KE|Kenya|africa|en|0|co.ke|0.7|3|ke|Ltd;Limited|Mombasa|KEBS|2
  Nairobi|00100|+254 72# ### ###
  Mombasa|80100|+254 73# ### ###
  @Moi Avenue;Mombasa Road
  %ANGLO
ZA|South Africa|africa|en|0|co.za|0.8|2|en|(Pty) Ltd|Durban|SABS|2.5
  Johannesburg|2###|+27 11 ### ####
  Cape Town|8###|+27 21 ### ####
  @Main Road;Rivonia Road
  %ANGLO
IN|India|asia|en|0|in|0.6|5.5|in|Pvt. Ltd.|Nhava Sheva|BIS|3
  Mumbai|400###|+91 22 #### ####
  New Delhi|110###|+91 11 #### ####
  Bengaluru|560###|+91 80 #### ####
  @MG Road;Nehru Place
  %ANGLO
PH|Philippines|asia|en|0|com.ph|0.7|8|en|Inc.;Corp.|Manila|PS|2.5
  Manila|1###|+63 2 #### ####
  Cebu City|6000|+63 32 ### ####
  @Ayala Avenue;Rizal Street
  %ANGLO
MY|Malaysia|asia|en|0|com.my|0.8|8|en|Sdn Bhd|Port Klang|SIRIM|2
  Kuala Lumpur|5####|+60 3 #### ####
  Penang|1####|+60 4 ### ####
  @Jalan Ampang;Jalan Industri
  %{no} {street}, {postcode} {city}, {country}
TH|Thailand|asia|en|0|co.th|0.7|7|th|Co., Ltd.|Laem Chabang|TIS|2
  Bangkok|10###|+66 2 ### ####
  Chiang Mai|50###|+66 53 ### ###
  @Sukhumvit Road;Rama IV Road
  %ANGLO
VN|Vietnam|asia|en|0|vn|0.7|7|vn|Co., Ltd|Ho Chi Minh City|CE|2
  Ho Chi Minh City|700000|+84 28 #### ####
  Hanoi|100000|+84 24 #### ####
  @Nguyen Hue Street;Le Loi Street
  %{no} {street}, {city}, {country}
ID|Indonesia|asia|en|0|co.id|0.7|7|id|PT|Jakarta|SNI|2
  Jakarta|10###|+62 21 #### ####
  Surabaya|60###|+62 31 ### ####
  @Jalan Sudirman;Jalan Gatot Subroto
  %{street} No. {no}, {city} {postcode}, {country}
AU|Australia|oceania|en|0|com.au|0.85|10|en|Pty Ltd|Sydney|SAA and RCM|3
  Sydney NSW|2###|+61 2 #### ####
  Melbourne VIC|3###|+61 3 #### ####
  @George Street;Industrial Drive
  %ANGLO
RU|Россия|cis|ru|0.64|ru|0.85|3|ru|ООО|St. Petersburg|EAC|4
  Москва|1#####|+7 495 ###-##-##
  Санкт-Петербург|19####|+7 812 ###-##-##
  Екатеринбург|620###|+7 343 ###-##-##
  @ул. Ленина;Промышленная ул.
  %{postcode}, {country}, {city}, {street}, д. {no}
KZ|Казахстан|cis|ru|0.6|kz|0.8|5|ru|ТОО|Almaty|EAC|2
  Алматы|050###|+7 727 ###-##-##
  Астана|010###|+7 717 ###-##-##
  @пр. Абая;ул. Толе би
  %{postcode}, {country}, {city}, {street}, {no}
"""

_FORMATS = {"STD": _STD, "ANGLO": _ANGLO}


def _parse(table: str) -> tuple[Country, ...]:
    countries: list[Country] = []
    head: list[str] = []
    cities: list[City] = []
    streets: tuple[str, ...] = ()
    for line in table.strip().splitlines():
        if not line.startswith(" "):
            head = line.split("|")
            cities = []
        elif line.strip().startswith("@"):
            streets = tuple(line.strip()[1:].split(";"))
        elif line.strip().startswith("%"):
            fmt = line.strip()[1:]
            code, name, region, lang, native, tld, tld_share, tz, culture = head[:9]
            legal, port, certs, weight = head[9:]
            countries.append(
                Country(
                    code,
                    name,
                    region,
                    lang,
                    float(native),
                    tld,
                    float(tld_share),
                    float(tz),
                    culture,
                    tuple(legal.split(";")),
                    port,
                    certs,
                    float(weight),
                    tuple(cities),
                    streets,
                    _FORMATS.get(fmt, fmt),
                )
            )
        else:
            cities.append(City(*line.strip().split("|")))
    return tuple(countries)


COUNTRIES: tuple[Country, ...] = _parse(_TABLE)
"""The buyer countries, in a fixed order."""
