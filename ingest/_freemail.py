"""Freemail providers: where an address belongs to a person, not to an organization.

Two frozen sets, both of *registrable* domains (what ``registrable_domain`` returns):

- ``FREEMAIL_DOMAINS`` lists providers by their exact registrable domain;
- ``FREEMAIL_BRANDS`` lists the label left of the public suffix of brands whose every
  country variant is a freemail service (``hotmail`` covers ``hotmail.co.uk``,
  ``hotmail.fr``, ``hotmail.com.br`` …).
"""

from __future__ import annotations

FREEMAIL_BRANDS: frozenset[str] = frozenset(
    {
        "aol",
        "gmail",
        "gmx",
        "googlemail",
        "hotmail",
        "outlook",
        "protonmail",
        "rediffmail",
        "tutanota",
        "windowslive",
        "yahoo",
        "yandex",
        "ymail",
    }
)

FREEMAIL_DOMAINS: frozenset[str] = frozenset(
    {
        # Microsoft "live" (the label alone is too common a word to treat as a brand)
        "live.at", "live.be", "live.ca", "live.ch", "live.cl", "live.cn", "live.co.uk",
        "live.co.za", "live.com", "live.com.ar", "live.com.au", "live.com.mx", "live.com.my",
        "live.com.pt", "live.com.sg", "live.de", "live.dk", "live.fi", "live.fr", "live.hk",
        "live.ie", "live.in", "live.it", "live.jp", "live.nl", "live.no", "live.ru", "live.se",
        "msn.com", "passport.com",
        # Yahoo, Apple, AOL families
        "rocketmail.com", "icloud.com", "me.com", "mac.com", "aim.com",
        # Germany, Austria, Switzerland
        "web.de", "t-online.de", "freenet.de", "arcor.de", "posteo.de", "mailbox.org",
        "online.de", "chello.at", "aon.at", "a1.net", "bluewin.ch", "hispeed.ch",
        "sunrise.ch",
        # Russia and neighbours
        "mail.ru", "bk.ru", "list.ru", "inbox.ru", "internet.ru", "rambler.ru", "ya.ru",
        "narod.ru", "ukr.net", "i.ua", "meta.ua", "bigmir.net", "abv.bg", "mail.bg",
        "tut.by",
        # China, Korea, Japan
        "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "188.com", "sina.com",
        "sina.cn", "sina.com.cn", "sohu.com", "139.com", "189.cn", "wo.cn", "aliyun.com",
        "21cn.com", "tom.com", "263.net", "naver.com", "daum.net", "hanmail.net",
        "nate.com", "docomo.ne.jp", "ezweb.ne.jp", "softbank.ne.jp", "nifty.com",
        "biglobe.ne.jp",
        # India, Middle East, Turkey
        "rediff.com", "indiatimes.com", "walla.co.il", "walla.com", "mynet.com",
        # privacy and independent providers
        "proton.me", "pm.me", "protonmail.ch", "tutamail.com", "tuta.io", "tuta.com",
        "keemail.me", "zoho.com", "zohomail.com", "zohomail.eu", "hushmail.com",
        "fastmail.com", "fastmail.fm", "runbox.com", "disroot.org", "mail.com",
        "email.com", "usa.com", "inbox.com", "lycos.com",
        # France, Italy, Spain, Portugal, Benelux
        "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "sfr.fr", "neuf.fr",
        "bbox.fr", "club-internet.fr", "aliceadsl.fr", "libero.it", "virgilio.it",
        "alice.it", "tiscali.it", "tin.it", "email.it", "terra.es", "telefonica.net",
        "ono.com", "sapo.pt", "iol.pt", "netcabo.pt", "kpnmail.nl", "ziggo.nl",
        "planet.nl", "hetnet.nl", "home.nl", "telenet.be", "skynet.be",
        # Central and Northern Europe
        "seznam.cz", "centrum.cz", "volny.cz", "wp.pl", "o2.pl", "onet.pl", "interia.pl",
        "op.pl", "gazeta.pl", "tlen.pl",
        # Americas, UK, Oceania consumer ISPs
        "comcast.net", "att.net", "sbcglobal.net", "bellsouth.net", "verizon.net",
        "cox.net", "charter.net", "earthlink.net", "shaw.ca", "rogers.com",
        "sympatico.ca", "terra.com.br", "uol.com.br", "bol.com.br", "ig.com.br",
        "btinternet.com", "sky.com", "virginmedia.com", "talktalk.net", "ntlworld.com",
        "blueyonder.co.uk", "bigpond.com", "bigpond.net.au", "optusnet.com.au",
        "xtra.co.nz",
    }
)  # fmt: skip
