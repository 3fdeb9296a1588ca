#!/usr/bin/env python3
"""Writes the starting corpora of the fuzz targets from real data
(data/world-news.json, tests/data/sample-article.txt) and hand-made odd
cases. Run once from the repository root with a built CLI
(cargo build); the corpora are then grown by fuzzing and trimmed with
`cargo fuzz cmin`. Re-running overwrites only the seed-* files."""
import json, os, random, struct, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, "target", "debug", "entity-highlighter")
random.seed(6)

world = json.load(open(os.path.join(ROOT, "data", "world-news.json"), encoding="utf-8"))
entities = world["entities"]
article = open(os.path.join(ROOT, "tests", "data", "sample-article.txt"), encoding="utf-8").read()
paragraphs = [p for p in article.split("\n\n") if p.strip()]


def write(target, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(ROOT, "fuzz", "corpus", target, "seed-" + name), "wb") as f:
        f.write(data)


def dictionary(chosen, **top):
    return json.dumps(dict(top, entities=chosen), ensure_ascii=False, indent=1)


# Real entities in small groups, with every feature the format has.
featured = [e for e in entities if "match" in e or any(isinstance(a, dict) for a in e.get("aliases", []))]
for i in range(6):
    chosen = random.sample(entities, 4) + random.sample(featured, 2)
    write("dictionary", f"world-news-{i}.json", dictionary(chosen, name="World news", as_of="2025-10-31"))

odd = {
    "trailing-comma.json": '{"entities":[{"id":"a","name":"A","type":"x","summary":"s",}]}',
    "truncated.json": dictionary(entities[:2])[:-40],
    "trailing-garbage.json": '{"entities":[]} }x',
    "wrong-nesting.json": '{"entities":{"id":"a"}}',
    "wrong-types.json": '{"name":1,"as_of":[],"entities":[{"id":7,"name":null,"type":["city"],"summary":{},"url":false,"aliases":"x","match":"exact"}]}',
    "bom.json": "\ufeff" + dictionary(entities[:1]),
    "lone-surrogate.json": '{"entities":[{"id":"a","name":"Ba\\ud800ku","type":"city","summary":"s"}]}',
    "controls.json": '{"entities":[{"id":"a","name":"N\\u0000UL","type":"city","summary":"bell \\u0007 and \\u202e bidi"}]}',
    "deep.json": '{"entities":' + "[" * 300 + "]" * 300 + "}",
    "duplicates.json": '{"entities":[' + ",".join(['{"id":"a","name":"Same","type":"x","summary":"s","aliases":["Same","Other","Other"]}'] * 5) + "]}",
    "urls.json": '{"entities":[{"id":"a","name":"A","type":"x","summary":"s","url":"javascript:alert(1)"},{"id":"b","name":"B","type":"x","summary":"s","url":"https://"}]}',
    "numbers.json": '{"entities":[1e999,-0,18446744073709551616,true]}',
    "scripts.json": dictionary([
        {"id": "city:tokyo", "name": "東京", "type": "city", "summary": "s", "aliases": ["トウキョウ"]},
        {"id": "city:seoul", "name": "서울", "type": "city", "summary": "s"},
        {"id": "city:bangkok", "name": "กรุงเทพ", "type": "city", "summary": "s"},
        {"id": "person:erdogan", "name": "Recep Tayyip Erdoğan", "type": "person", "summary": "s", "aliases": ["Erdog\u0306an", {"name": "ERDOĞAN", "case": "exact"}]},
        {"id": "city:cairo", "name": "القاهرة", "type": "city", "summary": "s"},
        {"id": "x:soft", "name": "Ba\u00adku\u200b", "type": "x", "summary": "s", "aliases": ["Straße", "İstanbul", "ǅemal", "a\u2019b", "N\u2013S"]},
    ]),
    "aliases-objects.json": '{"entities":[{"id":"a","name":"A","type":"x","summary":"s","aliases":[{"name":"AB","case":"exact","sentence_start":false},{"case":"any"},{"name":"C","extra":1}],"match":{"case":"any","sentence_start":false}}]}',
}
for name, text in odd.items():
    write("dictionary", name, text)
write("dictionary", "invalid-utf8.json", b'{"entities":[\n{"id":"a\xff\xfe","name":"A"}]}')

# Matcher: names (a control byte then the name, one a line), NUL, text.
def matcher_input(names, text):
    lines = []
    for i, (name, control) in enumerate(names):
        lines.append(bytes([((i % 32) << 3) | control]) + name.encode("utf-8"))
    return b"\n".join(lines) + b"\0" + text.encode("utf-8")

article_names = []
for e in entities:
    for n in [e["name"]] + [a if isinstance(a, str) else a["name"] for a in e.get("aliases", [])]:
        if n in article:
            article_names.append(n)
for i, paragraph in enumerate(paragraphs[:8]):
    chosen = [n for n in article_names if n in paragraph][:20] or article_names[:5]
    write("matcher", f"article-{i}", matcher_input([(n, random.choice([0, 1, 2, 4])) for n in chosen], paragraph))
write("matcher", "typography", matcher_input([("Nagorno-Karabakh", 0), ("Erdoğan", 0), ("N'Djamena", 0), ("Bank of England", 0), ("US", 1), ("Nice", 4)],
    "NAGORNO\u2013KARABAKH and Erdog\u0306an in N\u2019Djamena; Bank\u00a0of\u00adEngland.\u2029Nice weather. The US and the us; Nice.\u200bNice"))
write("matcher", "scripts", matcher_input([("東京", 0), ("서울", 0), ("กรุงเทพ", 0), ("Straße", 0), ("İstanbul", 2), ("ǅemal", 0), ("😀", 2)],
    "在東京都和서울에서 กรุงเทพมหานคร STRASSE strasse ISTANBUL i\u0307stanbul ǄEMAL 😀😀 e\u0301 \ud7a3"))
write("matcher", "empty-and-odd-names", matcher_input([("", 0), (" ", 0), ("-", 2), ("a a", 2), ("a", 2), ("\u00ad", 0), ("\u0301", 2)], "a a a-a \u00ad\u0301 a\u0301a"))

# Index: u16 text length, text, then an index made by the command-line tool.
subprocess.run(["cargo", "build", "--quiet", "--bin", "entity-highlighter"], cwd=ROOT, check=True)
with tempfile.TemporaryDirectory() as tmp:
    for i, (chosen, text) in enumerate([
        (random.sample(entities, 30) + [e for e in entities if e["name"] in article][:30], article[:3000]),
        (json.loads(odd["scripts.json"])["entities"], "在東京都和서울에서 กรุงเทพมหานคร Erdogan ERDOĞAN Baku"),
        ([e for e in entities if e["name"] in paragraphs[3]][:10], paragraphs[3]),
    ]):
        source = os.path.join(tmp, "d.json")
        out = os.path.join(tmp, "d.ehix")
        open(source, "w", encoding="utf-8").write(dictionary(chosen, name="seed", as_of="2025-10"))
        subprocess.run([CLI, "index", source, "-o", out], check=True, capture_output=True)
        index = open(out, "rb").read()
        encoded = text.encode("utf-8")[:65535]
        write("index", f"index-{i}", struct.pack("<H", len(encoded)) + encoded + index)
write("index", "not-an-index", b"\x05\x00hello{\"entities\":[]}")
write("index", "magic-only", b"\x00\x00EHIX\x01\x00\x00\x00")
print("seeded", {t: len(os.listdir(os.path.join(ROOT, "fuzz", "corpus", t))) for t in ("dictionary", "matcher", "index")})
