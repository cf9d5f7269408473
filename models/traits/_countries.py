"""Data for ``country``: calling codes, North American area codes, country names, local
currencies, languages of one country, freemail providers.

:data:`COUNTRY_NAMES` are written by hand: English, the local language(s), Spanish,
Portuguese, French, German, Russian and Chinese where they differ, with the abbreviations
people write (USA, UAE, KSA). Russian names whose ending changes with case are stems
(``Германи*`` finds ``Германия`` and ``Германии``). Left out on purpose: names that are
common words or US states in English (Georgia; Jordan is kept but checked by the caller).
:func:`cldr_country_names` adds every country's name in the ten languages the product reads,
from the Unicode CLDR (``data/country_names.tsv``, made by ``tools/make_country_names.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

from models.lexicon import once, word_set

__all__ = [
    "CALLING_CODES",
    "COUNTRY_NAMES",
    "CURRENCY_COUNTRIES",
    "FREEMAIL_BRANDS",
    "LANGUAGE_COUNTRIES",
    "NANP_AREAS",
    "NON_COUNTRY_TLDS",
    "cldr_country_names",
]

# ITU-T E.164 country calling codes (a prefix code: none is the start of another).
# "1" (North America) and "7" (Russia / Kazakhstan) are resolved by the caller.
CALLING_CODES: dict[str, str] = dict(
    pair.split("=")
    for pair in word_set(
        """20=EG 27=ZA 30=GR 31=NL 32=BE 33=FR 34=ES 36=HU 39=IT 40=RO 41=CH 43=AT
    44=GB 45=DK 46=SE 47=NO 48=PL 49=DE 51=PE 52=MX 53=CU 54=AR 55=BR 56=CL 57=CO 58=VE
    60=MY 61=AU 62=ID 63=PH 64=NZ 65=SG 66=TH 81=JP 82=KR 84=VN 86=CN 90=TR 91=IN 92=PK
    93=AF 94=LK 95=MM 98=IR 211=SS 212=MA 213=DZ 216=TN 218=LY 220=GM 221=SN 222=MR 223=ML
    224=GN 225=CI 226=BF 227=NE 228=TG 229=BJ 230=MU 231=LR 232=SL 233=GH 234=NG 235=TD
    236=CF 237=CM 238=CV 240=GQ 241=GA 242=CG 243=CD 244=AO 248=SC 249=SD 250=RW 251=ET
    252=SO 253=DJ 254=KE 255=TZ 256=UG 257=BI 258=MZ 260=ZM 261=MG 262=RE 263=ZW 264=NA
    265=MW 266=LS 267=BW 268=SZ 269=KM 297=AW 298=FO 299=GL 350=GI 351=PT 352=LU 353=IE
    354=IS 355=AL 356=MT 357=CY 358=FI 359=BG 370=LT 371=LV 372=EE 373=MD 374=AM 375=BY
    376=AD 377=MC 378=SM 380=UA 381=RS 382=ME 385=HR 386=SI 387=BA 389=MK 420=CZ 421=SK
    423=LI 501=BZ 502=GT 503=SV 504=HN 505=NI 506=CR 507=PA 509=HT 591=BO 592=GY 593=EC
    595=PY 597=SR 598=UY 673=BN 675=PG 679=FJ 852=HK 853=MO 855=KH 856=LA 880=BD 886=TW
    960=MV 961=LB 962=JO 963=SY 964=IQ 965=KW 966=SA 967=YE 968=OM 970=PS 971=AE 972=IL
    973=BH 974=QA 975=BT 976=MN 977=NP 992=TJ 993=TM 994=AZ 995=GE 996=KG 998=UZ"""
    )
)

# North American Numbering Plan (+1) area codes outside the United States.
NANP_AREAS: dict[str, str] = {
    **dict.fromkeys(
        word_set(
            """204 226 236 249 250 263 289 306 343 354 365 367 368 382 403 416 418 428 431 437
        438 450 468 474 506 514 519 548 579 581 584 587 604 613 639 647 672 683 705 709
        742 753 778 780 782 807 819 825 867 873 879 902 905"""
        ),
        "CA",
    ),
    **dict(
        pair.split("=")
        for pair in word_set(
            """242=BS 246=BB 264=AI 268=AG 284=VG 340=VI 345=KY 441=BM 473=GD 649=TC
        658=JM 876=JM 664=MS 670=MP 671=GU 684=AS 721=SX 758=LC 767=DM 784=VC 787=PR 939=PR
        809=DO 829=DO 849=DO 868=TT 869=KN"""
        )
    ),
}

# Two-letter top-level domains sold as generic names, or naming no country.
NON_COUNTRY_TLDS = word_set(
    "ac ai am cc cd co dj eu fm gg io la ly me ml ms nu sh so st su tk to tv vc ws"
)

COUNTRY_NAMES: dict[str, str] = {
    "US": "United States|United States of America|USA|U.S.A.|Estados Unidos|EE. UU.|EEUU|"
    "États-Unis|Etats-Unis|Vereinigte Staaten|США|Соединенные Штаты|美国",
    "CA": "Canada|Canadá|Kanada|Канад*|加拿大",
    "MX": "Mexico|México|Mexique|Mexiko|Мексик*|墨西哥",
    "BR": "Brazil|Brasil|Brésil|Brasilien|Бразили*|巴西",
    "AR": "Argentina|Argentine|Argentinien|Аргентин*|阿根廷",
    "CL": "Chile|Chili|Чили|智利",
    "CO": "Colombia|Colômbia|Colombie|Kolumbien|Колумби*|哥伦比亚",
    "PE": "Peru|Perú|Pérou|Перу|秘鲁",
    "VE": "Venezuela|Венесуэл*|委内瑞拉",
    "EC": "Ecuador|Equador|Équateur|Эквадор|厄瓜多尔",
    "UY": "Uruguay|Uruguai|Уругвай|乌拉圭",
    "PY": "Paraguay|Paraguai|Парагвай|巴拉圭",
    "BO": "Bolivia|Bolívia|Bolivie|Bolivien|Боливи*|玻利维亚",
    "CR": "Costa Rica|Коста - Рика|哥斯达黎加",
    "PA": "Panama|Panamá|Панам*|巴拿马",
    "GT": "Guatemala|Гватемал*|危地马拉",
    "DO": "Dominican Republic|República Dominicana|République dominicaine|"
    "Dominikanische Republik|Доминиканская Республика|多米尼加",
    "PR": "Puerto Rico|Porto Rico|Пуэрто - Рико|波多黎各",
    "GB": "United Kingdom|UK|U.K.|Great Britain|England|Scotland|Wales|Northern Ireland|"
    "Reino Unido|Royaume-Uni|Vereinigtes Königreich|Großbritannien|"
    "Великобритани*|英国",
    "IE": "Ireland|Éire|Irlanda|Irlande|Irland|Ирланди*|爱尔兰",
    "FR": "France|Francia|França|Frankreich|Франци*|法国",
    "DE": "Germany|Deutschland|Alemania|Alemanha|Allemagne|Германи*|德国",
    "IT": "Italy|Italia|Itália|Italie|Italien|Итали*|意大利",
    "ES": "Spain|España|Espanha|Espagne|Spanien|Испани*|西班牙",
    "PT": "Portugal|Португали*|葡萄牙",
    "NL": "Netherlands|The Netherlands|Holland|Nederland|Países Bajos|Holanda|Pays-Bas|"
    "Niederlande|Нидерланд*|Голланди*|荷兰",
    "BE": "Belgium|België|Belgique|Bélgica|Belgien|Бельги*|比利时",
    "LU": "Luxembourg|Luxemburgo|Luxemburg|Люксембург*|卢森堡",
    "CH": "Switzerland|Schweiz|Suisse|Svizzera|Suiza|Suíça|Швейцари*|瑞士",
    "AT": "Austria|Österreich|Autriche|Áustria|Австри*|奥地利",
    "DK": "Denmark|Danmark|Dinamarca|Danemark|Dänemark|Дани*|丹麦",
    "SE": "Sweden|Sverige|Suecia|Suécia|Suède|Schweden|Швеци*|瑞典",
    "NO": "Norway|Norge|Noruega|Norvège|Norwegen|Норвеги*|挪威",
    "FI": "Finland|Suomi|Finlandia|Finlândia|Finlande|Finnland|Финлянди*|芬兰",
    "IS": "Iceland|Ísland|Islandia|Islândia|Islande|Исланди*|冰岛",
    "PL": "Poland|Polska|Polonia|Polônia|Pologne|Polen|Польш*|波兰",
    "CZ": "Czech Republic|Czechia|Česko|Česká republika|República Checa|Tchéquie|"
    "Tschechien|Чехи*|捷克",
    "SK": "Slovakia|Slovensko|Eslovaquia|Slovaquie|Slowakei|Словаки*|斯洛伐克",
    "HU": "Hungary|Magyarország|Hungría|Hungria|Hongrie|Ungarn|Венгри*|匈牙利",
    "RO": "Romania|România|Rumania|Roménia|Roumanie|Rumänien|Румыни*|罗马尼亚",
    "BG": "Bulgaria|България|Bulgária|Bulgarie|Bulgarien|Болгари*|保加利亚",
    "GR": "Greece|Ελλάδα|Grecia|Grécia|Grèce|Griechenland|Греци*|希腊",
    "HR": "Croatia|Hrvatska|Croacia|Croácia|Croatie|Kroatien|Хорвати*|克罗地亚",
    "SI": "Slovenia|Slovenija|Eslovenia|Slovénie|Slowenien|Словени*|斯洛文尼亚",
    "RS": "Serbia|Србија|Srbija|Sérvia|Serbie|Serbien|Серби*|塞尔维亚",
    "BA": "Bosnia and Herzegovina|Bosnia|Босни*|波黑",
    "AL": "Albania|Albanie|Albanien|Албани*|阿尔巴尼亚",
    "MK": "North Macedonia|Macedonia|Македони*|北马其顿",
    "MD": "Moldova|Молдов*|摩尔多瓦",
    "UA": "Ukraine|Україна|Ucrania|Ucrânia|Украин*|乌克兰",
    "BY": "Belarus|Беларусь|Bielorrusia|Bielorrússia|Biélorussie|Weißrussland|Белорусси*|白俄罗斯",
    "RU": "Russia|Russian Federation|Rusia|Rússia|Russie|Russland|Росси*|俄罗斯",
    "KZ": "Kazakhstan|Қазақстан|Kazajistán|Cazaquistão|Kasachstan|Казахстан*|哈萨克斯坦",
    "UZ": "Uzbekistan|Uzbekistán|Usbequistão|Ouzbékistan|Usbekistan|Узбекистан*|乌兹别克斯坦",
    "KG": "Kyrgyzstan|Кыргызстан*|Киргизи*|吉尔吉斯斯坦",
    "GE": "Géorgie|Georgien|Грузи*|格鲁吉亚",
    "AM": "Armenia|Armênia|Arménie|Armenien|Армени*|亚美尼亚",
    "AZ": "Azerbaijan|Azerbaiyán|Azerbaijão|Azerbaïdjan|Aserbaidschan|Азербайджан*|阿塞拜疆",
    "MN": "Mongolia|Mongolie|Mongolei|Монголи*|蒙古",
    "LT": "Lithuania|Lietuva|Lituania|Lituânia|Lituanie|Litauen|Литв*|立陶宛",
    "LV": "Latvia|Latvija|Letonia|Letónia|Lettonie|Lettland|Латви*|拉脱维亚",
    "EE": "Estonia|Eesti|Estônia|Estonie|Estland|Эстони*|爱沙尼亚",
    "CY": "Cyprus|Chipre|Chypre|Zypern|Кипр*|塞浦路斯",
    "MT": "Malta|Мальт*|马耳他",
    "TR": "Turkey|Türkiye|Turquía|Turquia|Turquie|Türkei|Турци*|土耳其",
    "IL": "Israel|Израил*|以色列",
    "AE": "United Arab Emirates|UAE|U.A.E.|Dubai|Abu Dhabi|Emiratos Árabes Unidos|"
    "Emirados Árabes Unidos|Émirats arabes unis|Vereinigte Arabische Emirate|ОАЭ|Дубай|"
    "阿联酋|迪拜",
    "SA": "Saudi Arabia|Kingdom of Saudi Arabia|KSA|Arabia Saudita|Arábia Saudita|"
    "Arabie saoudite|Saudi - Arabien|Саудовская Аравия|沙特阿拉伯|沙特",
    "QA": "Qatar|Catar|Katar|Катар*|卡塔尔",
    "KW": "Kuwait|Koweït|Кувейт*|科威特",
    "OM": "Oman|Omán|Omã|Оман*|阿曼",
    "BH": "Bahrain|Baréin|Bahreïn|Бахрейн*|巴林",
    "JO": "Jordan|Jordania|Jordânia|Jordanie|Jordanien|Иордани*|约旦",
    "LB": "Lebanon|Líbano|Liban|Libanon|Ливан*|黎巴嫩",
    "IQ": "Iraq|Irak|Iraque|Ирак*|伊拉克",
    "IR": "Iran|Irán|Irã|Иран*|伊朗",
    "EG": "Egypt|Egipto|Egito|Égypte|Ägypten|Египт*|Египет|埃及",
    "MA": "Morocco|Marruecos|Marrocos|Maroc|Marokko|Марокко|摩洛哥",
    "DZ": "Algeria|Argelia|Argélia|Algérie|Algerien|Алжир*|阿尔及利亚",
    "TN": "Tunisia|Túnez|Tunísia|Tunisie|Tunesien|Тунис*|突尼斯",
    "LY": "Libya|Libia|Líbia|Libye|Libyen|Ливи*|利比亚",
    "NG": "Nigeria|Nigéria|Нигери*|尼日利亚",
    "GH": "Ghana|Gana|Гана|Гане|加纳",
    "SN": "Senegal|Sénégal|Сенегал*|塞内加尔",
    "CI": "Côte d'Ivoire|Ivory Coast|Costa de Marfil|科特迪瓦",
    "CM": "Cameroon|Camerún|Camarões|Cameroun|Kamerun|Камерун*|喀麦隆",
    "KE": "Kenya|Kenia|Quênia|Кени*|肯尼亚",
    "ET": "Ethiopia|Etiopía|Etiópia|Éthiopie|Äthiopien|Эфиопи*|埃塞俄比亚",
    "TZ": "Tanzania|Tanzânia|Tanzanie|Танзани*|坦桑尼亚",
    "UG": "Uganda|Ouganda|Уганд*|乌干达",
    "AO": "Angola|Ангол*|安哥拉",
    "MZ": "Mozambique|Moçambique|Mosambik|Мозамбик*|莫桑比克",
    "ZM": "Zambia|Zâmbia|Zambie|Sambia|Замби*|赞比亚",
    "ZW": "Zimbabwe|Simbabwe|Зимбабве|津巴布韦",
    "ZA": "South Africa|Sudáfrica|África do Sul|Afrique du Sud|Südafrika|ЮАР|Южная Африка|南非",
    "MU": "Mauritius|Île Maurice|Маврики*|毛里求斯",
    "CN": "China|People's Republic of China|P.R. China|P. R. China|PRC|Chine|Китай|Китая|"
    "Китае|中国|中華人民共和國",
    "HK": "Hong Kong|Hongkong|Гонконг*|香港",
    "MO": "Macau|Macao|Макао|澳门",
    "TW": "Taiwan|Taiwán|Taïwan|Тайван*|台湾|臺灣",
    "JP": "Japan|Japón|Japão|Japon|Япони*|日本",
    "KR": "South Korea|Korea|Republic of Korea|Corea del Sur|Coreia do Sul|Corée du Sud|"
    "Südkorea|Южная Коре*|Коре*|韩国|대한민국",
    "IN": "India|Índia|Inde|Indien|Индия|Индии|印度",
    "PK": "Pakistan|Pakistán|Paquistão|Пакистан*|巴基斯坦",
    "BD": "Bangladesh|Bangladés|Бангладеш|孟加拉国|孟加拉",
    "LK": "Sri Lanka|Шри - Ланк*|斯里兰卡",
    "NP": "Nepal|Népal|Непал*|尼泊尔",
    "VN": "Vietnam|Viet Nam|Việt Nam|Vietnã|Viêt Nam|Вьетнам*|越南",
    "TH": "Thailand|Tailandia|Tailândia|Thaïlande|Таиланд*|泰国",
    "MY": "Malaysia|Malasia|Malásia|Malaisie|Малайзи*|马来西亚",
    "SG": "Singapore|Singapur|Singapura|Singapour|Сингапур*|新加坡",
    "ID": "Indonesia|Indonésia|Indonésie|Indonesien|Индонези*|印度尼西亚|印尼",
    "PH": "Philippines|Filipinas|Philippinen|Филиппин*|菲律宾",
    "MM": "Myanmar|Burma|Мьянм*|缅甸",
    "KH": "Cambodia|Camboya|Camboja|Cambodge|Kambodscha|Камбодж*|柬埔寨",
    "AU": "Australia|Austrália|Australie|Australien|Австрали*|澳大利亚|澳洲",
    "NZ": "New Zealand|Nueva Zelanda|Nova Zelândia|Nouvelle-Zélande|"
    "Neuseeland|Новая Зеландия|Новой Зеландии|新西兰",
}


@once
def cldr_country_names() -> Mapping[str, tuple[str, ...]]:
    """Every country's names in en, es, pt, fr, de, it, tr, ru, ar and zh (Unicode CLDR),
    by ISO code."""
    table = resources.files("models.traits").joinpath("data/country_names.tsv")
    names: dict[str, list[str]] = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, _, name = line.partition("\t")
            names.setdefault(code, []).append(name)
    return MappingProxyType({code: tuple(found) for code, found in names.items()})


# ISO 4217 codes of currencies that one country uses (the dollar, euro, CFA francs and other
# shared currencies name no country). "RMB" is the renminbi's everyday name.
CURRENCY_COUNTRIES: Mapping[str, str] = MappingProxyType(
    dict(
        pair.split("=")
        for pair in word_set(
            """GBP=GB CHF=CH SEK=SE NOK=NO DKK=DK ISK=IS PLN=PL CZK=CZ HUF=HU RON=RO BGN=BG
        RSD=RS MKD=MK ALL=AL BAM=BA MDL=MD UAH=UA BYN=BY RUB=RU KZT=KZ UZS=UZ KGS=KG TJS=TJ
        TMT=TM AZN=AZ GEL=GE AMD=AM TRY=TR ILS=IL AED=AE SAR=SA QAR=QA KWD=KW BHD=BH OMR=OM
        JOD=JO LBP=LB IQD=IQ IRR=IR EGP=EG MAD=MA DZD=DZ TND=TN LYD=LY NGN=NG GHS=GH KES=KE
        TZS=TZ UGX=UG ETB=ET ZAR=ZA AOA=AO MZN=MZ ZMW=ZM RWF=RW MUR=MU CNY=CN RMB=CN HKD=HK
        TWD=TW JPY=JP KRW=KR INR=IN PKR=PK BDT=BD LKR=LK NPR=NP VND=VN THB=TH MYR=MY SGD=SG
        IDR=ID PHP=PH MMK=MM KHR=KH AUD=AU NZD=NZ CAD=CA MXN=MX BRL=BR ARS=AR CLP=CL COP=CO
        PEN=PE UYU=UY PYG=PY BOB=BO VES=VE CRC=CR GTQ=GT DOP=DO"""
        )
    )
)

# ISO 639-1 languages written as a mother tongue in one country mostly: a weak hint only.
LANGUAGE_COUNTRIES: Mapping[str, str] = MappingProxyType(
    dict(
        pair.split("=")
        for pair in word_set(
            """ja=JP ko=KR th=TH vi=VN id=ID ms=MY pl=PL cs=CZ sk=SK hu=HU ro=RO bg=BG el=GR
        uk=UA he=IL fa=IR hi=IN bn=BD ur=PK ka=GE hy=AM az=AZ kk=KZ uz=UZ mn=MN da=DK fi=FI
        sv=SE no=NO nb=NO is=IS et=EE lv=LV lt=LT sl=SI hr=HR sr=RS mk=MK sq=AL it=IT
        nl=NL"""
        )
    )
)

# Freemail providers by the first label of their domain (gmail.com, yahoo.co.uk, mail.ru):
# their country code top-level domain says little about where the user is.
FREEMAIL_BRANDS = word_set(
    """gmail googlemail yahoo ymail rocketmail hotmail outlook live msn icloud me mac aol gmx
    web mail inbox list bk yandex ya rambler qq 163 126 yeah sina sohu foxmail aliyun
    rediffmail libero virgilio tiscali alice orange wanadoo free laposte sfr t-online freenet
    arcor seznam wp o2 onet interia naver daum hanmail uol bol terra ig abv zoho protonmail
    proton tutanota hushmail mailbox posteo ukr i online"""
)
