//! The bundled dictionary on the sample article: every expected mention, in
//! order, and the hard cases the article was written to contain.

use entity_highlighter::{Dictionary, MatchOptions, Matcher, Mention};

const ARTICLE: &str = include_str!("data/sample-article.txt");

/// (text as written, candidate entity ids joined by '|'), in text order.
const EXPECTED: &[(&str, &str)] = &[
    ("SOUTH CAUCASUS", "region:south-caucasus"),
    ("Aliyev", "person:ilham-aliyev|person:heydar-aliyev"),
    ("Pashinyan", "person:nikol-pashinyan"),
    ("Trump", "person:donald-trump"),
    ("Washington", "city:washington-us|region:us-wa"),
    ("WASHINGTON", "city:washington-us|region:us-wa"),
    ("Donald Trump", "person:donald-trump"),
    ("Ilham Aliyev", "person:ilham-aliyev"),
    ("Nikol Pashinyan", "person:nikol-pashinyan"),
    ("Armenia", "country:armenia"),
    ("Central Asia", "region:central-asia"),
    ("Washington", "city:washington-us|region:us-wa"),
    ("Armenia", "country:armenia"),
    ("Azerbaijan", "country:azerbaijan"),
    ("Azerbaijan", "country:azerbaijan"),
    ("Nakhchivan", "region:nakhchivan"),
    ("Armenia", "country:armenia"),
    ("Syunik", "region:syunik"),
    ("Iran", "country:iran"),
    ("Nagorno-Karabakh", "region:nagorno-karabakh"),
    ("Azerbaijan", "country:azerbaijan"),
    ("Baku", "city:baku-az"),
    ("Zangezur corridor", "route:zangezur-corridor"),
    ("Yerevan", "city:yerevan-am"),
    ("Washington", "city:washington-us|region:us-wa"),
    ("Trump Route for International Peace and Prosperity", "route:tripp"),
    ("TRIPP", "route:tripp"),
    ("U.S.", "country:united-states"),
    ("Azerbaijan", "country:azerbaijan"),
    ("Jeyhun Bayramov", "person:jeyhun-bayramov"),
    ("Ararat Mirzoyan", "person:ararat-mirzoyan"),
    ("Marco Rubio", "person:marco-rubio"),
    ("U.S.", "country:united-states"),
    ("Azerbaijan", "country:azerbaijan"),
    ("Baku", "city:baku-az"),
    ("Armenia", "country:armenia"),
    ("Russia", "country:russia"),
    ("Middle Corridor", "route:middle-corridor"),
    ("China", "country:china"),
    ("Kazakhstan", "country:kazakhstan"),
    ("Caspian Sea", "region:caspian-sea"),
    ("Baku", "city:baku-az"),
    ("Türkiye", "country:turkiye"),
    ("Russia", "country:russia"),
    ("full-scale invasion of Ukraine", "event:russian-invasion-of-ukraine"),
    ("Syunik", "region:syunik"),
    ("Nakhchivan", "region:nakhchivan"),
    ("Turkey", "country:turkiye"),
    ("Baku–Tbilisi–Kars railway", "route:baku-tbilisi-kars-railway"),
    ("Tbilisi", "city:tbilisi-ge"),
    ("Georgia", "country:georgia|region:us-ga"),
    ("Caspian", "region:caspian-sea"),
    ("Black Sea", "region:black-sea"),
    ("Baku–Tbilisi–Ceyhan", "route:baku-tbilisi-ceyhan-pipeline"),
    ("South Caucasus Pipeline", "route:south-caucasus-pipeline"),
    ("Iran", "country:iran"),
    ("South Caucasus", "region:south-caucasus"),
    ("Washington", "city:washington-us|region:us-wa"),
    ("Tehran", "city:tehran-ir"),
    ("Armenia", "country:armenia"),
    ("Russia", "country:russia"),
    ("November 2020 ceasefire", "agreement:2020-nagorno-karabakh-ceasefire"),
    ("Türkiye", "country:turkiye"),
    ("Nakhchivan", "region:nakhchivan"),
    ("Recep Tayyip Erdogan", "person:recep-tayyip-erdogan"),
    ("Turkey", "country:turkiye"),
    ("Azerbaijan", "country:azerbaijan"),
    ("Central Asia", "region:central-asia"),
    ("Turkey", "country:turkiye"),
    ("European Union", "organisation:european-union"),
    ("EU", "organisation:european-union"),
    ("Brussels", "city:brussels-be"),
    ("Organization for Security and Co-operation in Europe", "organisation:osce"),
    ("OSCE", "organisation:osce"),
    ("Minsk Group", "organisation:osce-minsk-group"),
    ("Karabakh", "region:nagorno-karabakh"),
    ("Caspian", "region:caspian-sea"),
    ("Baku", "city:baku-az"),
    ("Caspian", "region:caspian-sea"),
    ("Reuters", "media:reuters"),
    ("Associated Press", "media:associated-press"),
    ("Yerevan", "city:yerevan-am"),
    ("Baku", "city:baku-az"),
    ("Tbilisi", "city:tbilisi-ge"),
];

fn mentions() -> (Dictionary, Vec<Mention>) {
    let dictionary = Dictionary::bundled();
    let matcher = Matcher::new(&dictionary, MatchOptions::default()).expect("the bundled dictionary compiles");
    let mentions = matcher.find(ARTICLE);
    (dictionary, mentions)
}

fn ids(dictionary: &Dictionary, mention: &Mention) -> String {
    mention.entities.iter().map(|&e| dictionary.entities()[e].id.as_str()).collect::<Vec<_>>().join("|")
}

#[test]
fn the_bundled_dictionary_is_valid_and_large_enough() {
    let dictionary = Dictionary::bundled();
    assert!(dictionary.entities().len() >= 1_500, "{} entities", dictionary.entities().len());
    assert!(dictionary.as_of().is_some(), "the dictionary states its date");
    for kind in ["person", "country", "city", "region", "organisation", "agreement", "event", "route", "media"] {
        assert!(dictionary.entities().iter().any(|e| e.kind == kind), "no entity of type {kind}");
    }
}

#[test]
fn the_sample_article_gives_the_expected_mentions() {
    let (dictionary, mentions) = mentions();
    let got: Vec<(String, String)> = mentions.iter().map(|m| (m.text(ARTICLE).to_owned(), ids(&dictionary, m))).collect();
    let expected: Vec<(String, String)> = EXPECTED.iter().map(|(t, e)| (t.to_string(), e.to_string())).collect();
    for (index, (got, expected)) in got.iter().zip(&expected).enumerate() {
        assert_eq!(got, expected, "mention {index}");
    }
    assert_eq!(got.len(), expected.len(), "number of mentions");
}

fn found_in(context: &str, text: &str) -> Option<String> {
    let (dictionary, mentions) = mentions();
    let at = ARTICLE.find(context).unwrap_or_else(|| panic!("the article no longer contains {context:?}"));
    let within = at..at + context.len();
    mentions
        .iter()
        .find(|m| within.contains(&m.byte_start) && m.text(ARTICLE) == text)
        .map(|m| ids(&dictionary, m))
}

#[test]
fn the_hard_cases_in_the_article() {
    // (context in the article, text that must be found, entity ids)
    let must: &[(&str, &str, &str)] = &[
        ("Azerbaijan’s foreign minister", "Azerbaijan", "country:azerbaijan"),
        ("Armenia's Syunik", "Armenia", "country:armenia"),
        ("U.S.–Azerbaijan relations", "U.S.", "country:united-states"),
        ("U.S.–Azerbaijan relations", "Azerbaijan", "country:azerbaijan"),
        ("Washington-brokered", "Washington", "city:washington-us|region:us-wa"),
        ("Europe (OSCE)", "OSCE", "organisation:osce"),
        ("the word “Baku”", "Baku", "city:baku-az"),
        ("Recep Tayyip Erdogan", "Recep Tayyip Erdogan", "person:recep-tayyip-erdogan"),
        ("Georgia has been", "Georgia", "country:georgia|region:us-ga"),
        ("SOUTH CAUCASUS:", "SOUTH CAUCASUS", "region:south-caucasus"),
    ];
    for (context, text, entities) in must {
        assert_eq!(found_in(context, text).as_deref(), Some(*entities), "{text:?} in {context:?}");
    }
    let must_not: &[(&str, &str)] = &[
        ("that Eurasian trade", "Asia"),
        ("An Iranian diplomat", "Iran"),
        ("roast turkey", "turkey"),
        ("fine china", "china"),
        ("away from us.", "us"),
    ];
    let (_, mentions) = mentions();
    for (context, text) in must_not {
        let at = ARTICLE.find(context).unwrap_or_else(|| panic!("the article no longer contains {context:?}"));
        let inside = mentions.iter().any(|m| m.byte_start >= at && m.byte_end <= at + context.len());
        assert!(!inside, "{text:?} must not match in {context:?}");
    }
}
