//! Loading and validating entity dictionaries.
//!
//! A dictionary is read from JSON (the format is in `docs/DICTIONARY.md`)
//! and checked whole before anything uses it: [`Dictionary::from_json`]
//! either returns a dictionary in which every entity is valid, or a
//! [`DictionaryError`] listing every problem it found with where it is.
//! There is no partly loaded dictionary.
//!
//! Entities are read one at a time from the JSON stream, so the memory a
//! load takes is the dictionary itself plus one entity's worth of parsing.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use crate::json::{self, Reader, Value};

/// Limits a dictionary must respect. The defaults suit a dictionary that a
/// browser downloads; the command-line tool can raise the size limit.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest accepted file, in bytes.
    pub max_bytes: usize,
    /// Most entities in one dictionary.
    pub max_entities: usize,
}

impl Limits {
    /// Refuses a file of `bytes` bytes if it is over the size limit, with
    /// the same problem the loader reports: so that a caller that knows a
    /// file's size (from its metadata or a Content-Length) can refuse it
    /// before reading it.
    pub fn check_size(&self, bytes: usize) -> Result<(), DictionaryError> {
        check_size(bytes, self)
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_bytes: 32 * 1024 * 1024, max_entities: 2_000_000 }
    }
}

const MAX_ID_CHARS: usize = 128;
const MAX_NAME_CHARS: usize = 200;
const MAX_ALIASES: usize = 1_000;
pub(crate) const MAX_SUMMARY_CHARS: usize = 1_000;
const MAX_URL_CHARS: usize = 2_000;
const MAX_TYPE_CHARS: usize = 32;
const MAX_META_CHARS: usize = 10_000;
/// Problems kept in full; more are counted but not stored, so that a file
/// with a million bad entries cannot exhaust memory describing them.
const MAX_PROBLEMS_KEPT: usize = 200;

/// How the capitalisation of a name is matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseRule {
    /// The name's own capitalisation, capitals added anywhere: every capital
    /// letter of the name must be a capital in the text.
    Default,
    /// Only as written (after normalisation).
    Exact,
    /// Any capitalisation.
    Any,
}

/// Options that change when one name matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameOptions {
    /// How capitalisation is matched.
    pub case: CaseRule,
    /// Whether the name matches as the first word of a sentence or block.
    /// `false` for names that are also ordinary words.
    pub sentence_start: bool,
}

impl Default for NameOptions {
    fn default() -> NameOptions {
        NameOptions { case: CaseRule::Default, sentence_start: true }
    }
}

/// One name of an entity, with its matching options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// The name as the dictionary writes it.
    pub text: String,
    /// When it matches.
    pub options: NameOptions,
}

/// A known entity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    /// Stable identifier, unique in its dictionary.
    pub id: String,
    /// Canonical name; `names[0]` holds it with its options.
    pub name: String,
    /// Kind of entity: `person`, `country`, `city`, ...
    pub kind: String,
    /// Every matchable name, the canonical one first.
    pub names: Vec<Name>,
    /// One or two sentences of plain text.
    pub summary: String,
    /// An `http:` or `https:` link, if any.
    pub url: Option<String>,
}

/// A validated dictionary.
#[derive(Clone, Debug, Default)]
pub struct Dictionary {
    title: Option<String>,
    as_of: Option<String>,
    entities: Vec<Entity>,
}

/// Where a problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// The whole file.
    File,
    /// A JSON syntax or structure error, at a 1-based line and column: the
    /// first character that is wrong or, when the file ends too early, just
    /// past its last character.
    Text {
        /// 1-based line; lines end at `\n`.
        line: usize,
        /// 1-based column, in characters (not bytes).
        column: usize,
    },
    /// A top-level field.
    Field(String),
    /// A field of the entity at `index` (0-based) in `entities`, with that
    /// entity's id when it has a usable one.
    Entity {
        /// 0-based position in `entities`.
        index: usize,
        /// The entity's id, when it has a usable one.
        id: Option<String>,
        /// The field, such as `name` or `aliases[2]`.
        field: String,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File => write!(f, "file"),
            Location::Text { line, column } => write!(f, "line {line}, column {column}"),
            Location::Field(field) => write!(f, "field \"{field}\""),
            Location::Entity { index, id: Some(id), field } => {
                write!(f, "entities[{index}] (id \"{id}\"), {field}")
            }
            Location::Entity { index, id: None, field } => write!(f, "entities[{index}], {field}"),
        }
    }
}

/// One thing wrong with a dictionary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    location: Location,
    message: String,
}

impl Problem {
    /// Where the problem is.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// What is wrong, in plain words.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Why a dictionary was refused: every problem found, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DictionaryError {
    problems: Vec<Problem>,
    unlisted: usize,
}

impl DictionaryError {
    /// The problems, at most a few hundred; see [`DictionaryError::count`].
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// How many problems were found in all.
    pub fn count(&self) -> usize {
        self.problems.len() + self.unlisted
    }

    fn single(location: Location, message: String) -> DictionaryError {
        DictionaryError { problems: vec![Problem { location, message }], unlisted: 0 }
    }
}

impl fmt::Display for DictionaryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.count();
        write!(f, "the dictionary was refused: {count} problem{}", if count == 1 { "" } else { "s" })?;
        for problem in &self.problems {
            write!(f, "\n  {problem}")?;
        }
        if self.unlisted > 0 {
            write!(f, "\n  ... and {} more", self.unlisted)?;
        }
        Ok(())
    }
}

impl std::error::Error for DictionaryError {}

#[derive(Default)]
struct Problems {
    kept: Vec<Problem>,
    unlisted: usize,
}

impl Problems {
    fn add(&mut self, location: Location, message: impl Into<String>) {
        if self.kept.len() < MAX_PROBLEMS_KEPT {
            self.kept.push(Problem { location, message: message.into() });
        } else {
            self.unlisted += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.kept.is_empty() && self.unlisted == 0
    }
}

impl Dictionary {
    /// Parses and validates a dictionary with the default [`Limits`].
    pub fn from_json(json: &str) -> Result<Dictionary, DictionaryError> {
        Dictionary::from_json_with_limits(json, &Limits::default())
    }

    /// Parses and validates a dictionary from raw bytes, which must be UTF-8
    /// (a byte-order mark is allowed); an invalid byte is reported with its
    /// line and column.
    pub fn from_bytes(bytes: &[u8], limits: &Limits) -> Result<Dictionary, DictionaryError> {
        check_size(bytes.len(), limits)?;
        match std::str::from_utf8(bytes) {
            Ok(json) => Dictionary::from_json_with_limits(json, limits),
            Err(error) => {
                let (line, column) = json::position(bytes, error.valid_up_to());
                Err(DictionaryError::single(
                    Location::Text { line, column },
                    format!("the file is not valid UTF-8 (byte {} is not part of a UTF-8 character); save it as UTF-8", error.valid_up_to()),
                ))
            }
        }
    }

    /// Parses and validates a dictionary within the given limits.
    pub fn from_json_with_limits(json: &str, limits: &Limits) -> Result<Dictionary, DictionaryError> {
        check_size(json.len(), limits)?;
        let json = json.strip_prefix('\u{FEFF}').unwrap_or(json);
        let mut problems = Problems::default();
        let mut loader = Loader { limits, problems: &mut problems, dictionary: Dictionary::default(), ids: HashMap::new(), saw_entities: false };
        let mut reader = Reader::new(json);
        let parsed = loader.read(&mut reader);
        let saw_entities = loader.saw_entities;
        let dictionary = loader.dictionary;
        if let Err(error) = parsed {
            // A syntax error makes everything after it unreadable, so it is
            // the last problem listed.
            let (line, column) = json::position(json.as_bytes(), error.at);
            problems.add(Location::Text { line, column }, error.to_string());
        } else if !saw_entities {
            problems.add(Location::Field("entities".into()), "missing: a dictionary needs an \"entities\" array");
        }
        if problems.is_empty() {
            Ok(dictionary)
        } else {
            Err(DictionaryError { problems: problems.kept, unlisted: problems.unlisted })
        }
    }

    /// The dictionary's title, if it has one.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The date its facts were checked, if given.
    pub fn as_of(&self) -> Option<&str> {
        self.as_of.as_deref()
    }

    /// All entities, in file order. Matches refer to them by index.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// The entity at `index`, if there is one.
    pub fn entity(&self, index: usize) -> Option<&Entity> {
        self.entities.get(index)
    }

    /// Entity counts per type, in the order each type first appears.
    pub fn type_counts(&self) -> Vec<(&str, u32)> {
        let mut counts = Vec::new();
        for entity in &self.entities {
            add_type_count(&mut counts, &entity.kind, 1);
        }
        counts
    }

    /// The bundled "world news" dictionary. Only in native builds: the
    /// browser fetches it as a file instead of carrying it in the `.wasm`.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn bundled() -> Dictionary {
        Dictionary::from_json(BUNDLED_JSON).unwrap_or_else(|error| panic!("the bundled dictionary is invalid (a test catches this): {error}"))
    }
}

/// The bundled dictionary's JSON text.
#[cfg(not(target_arch = "wasm32"))]
pub const BUNDLED_JSON: &str = include_str!("../data/world-news.json");

fn check_size(len: usize, limits: &Limits) -> Result<(), DictionaryError> {
    if len > limits.max_bytes {
        return Err(DictionaryError::single(
            Location::File,
            // What to do instead, as a page's user meets the limit in the
            // browser, where only a compact index is larger.
            format!(
                "the file is {} bytes; the limit is {} bytes ({} MiB): make a compact index of a larger dictionary with `entity-highlighter index --max-size BYTES`",
                len,
                limits.max_bytes,
                limits.max_bytes / (1024 * 1024)
            ),
        ));
    }
    Ok(())
}

struct Loader<'a> {
    limits: &'a Limits,
    problems: &'a mut Problems,
    dictionary: Dictionary,
    ids: HashMap<String, usize>,
    saw_entities: bool,
}

const TOP_FIELDS: [&str; 5] = ["entities", "name", "as_of", "description", "sources"];
const ENTITY_FIELDS: [&str; 7] = ["id", "name", "type", "aliases", "summary", "url", "match"];
/// Said of a key given twice. JSON leaves open which one counts, and readers
/// differ (first, last, both), so a repeat is refused rather than guessed.
const REPEATED: &str = "given more than once; each field may appear only once";

impl Loader<'_> {
    fn read(&mut self, reader: &mut Reader<'_>) -> Result<(), json::Error> {
        reader.begin_object("a dictionary object with an \"entities\" array")?;
        let mut seen = [false; TOP_FIELDS.len()];
        let mut first = true;
        while let Some(key) = reader.next_key(&mut first)? {
            let slot = TOP_FIELDS.iter().position(|field| *field == key).and_then(|slot| seen.get_mut(slot));
            match slot {
                Some(true) => {
                    reader.skip()?;
                    self.problems.add(Location::Field(key.into_owned()), REPEATED);
                    continue;
                }
                Some(flag) => *flag = true,
                None => {}
            }
            match &*key {
                "entities" => {
                    self.saw_entities = true;
                    self.read_entities(reader)?;
                }
                "name" | "as_of" | "description" => match reader.value()? {
                    Value::String(text) if text.chars().count() <= MAX_META_CHARS => {
                        if key == "name" {
                            self.dictionary.title = Some(text.into_owned());
                        } else if key == "as_of" {
                            self.dictionary.as_of = Some(text.into_owned());
                        }
                    }
                    Value::String(_) => self.problems.add(Location::Field(key.into_owned()), format!("longer than {MAX_META_CHARS} characters")),
                    other => self.problems.add(Location::Field(key.into_owned()), format!("expected a string, found {}", other.described())),
                },
                "sources" => reader.skip()?,
                _ => {
                    reader.skip()?;
                    self.problems.add(Location::Field(shown(&key)), "unknown top-level field; expected entities, name, as_of, description or sources");
                }
            }
        }
        reader.end()
    }

    fn read_entities(&mut self, reader: &mut Reader<'_>) -> Result<(), json::Error> {
        reader.begin_array("an array of entity objects")?;
        let mut index = 0usize;
        let mut first = true;
        while reader.next_element(&mut first)? {
            if index >= self.limits.max_entities {
                if index == self.limits.max_entities {
                    self.problems.add(Location::Field("entities".into()), format!("more than {} entities; split the dictionary", self.limits.max_entities));
                }
                // Still read to the end, for the syntax errors after it.
                reader.skip()?;
            } else if let Some(entity) = validate_entity(index, reader.value()?, self.problems, &mut self.ids) {
                self.dictionary.entities.push(entity);
            }
            index += 1;
        }
        Ok(())
    }
}

type Members<'a> = Vec<(Cow<'a, str>, Value<'a>)>;

/// Removes the first member named `key`; a repeat stays, and is reported.
fn take<'a>(members: &mut Members<'a>, key: &str) -> Option<Value<'a>> {
    let at = members.iter().position(|(name, _)| name == key)?;
    Some(members.remove(at).1)
}

/// The keys given more than once, each once, in the order of their repeat.
fn repeated_keys<'m>(members: &'m Members<'_>) -> Vec<&'m str> {
    let mut repeated: Vec<&str> = Vec::new();
    // A nested loop for the few members of an ordinary object; a set for a
    // hostile one with thousands.
    if members.len() <= 16 {
        for (at, (key, _)) in members.iter().enumerate() {
            if members.iter().take(at).any(|(earlier, _)| earlier == key) && !repeated.contains(&&**key) {
                repeated.push(key);
            }
        }
    } else {
        let mut seen = std::collections::HashSet::new();
        let mut reported = std::collections::HashSet::new();
        for (key, _) in members {
            if !seen.insert(&**key) && reported.insert(&**key) {
                repeated.push(key);
            }
        }
    }
    repeated
}

/// Reports problems for one entity; returns it only when it has none.
/// `ids` maps each usable id seen so far to its first entity, whether or
/// not that entity had other problems: a repeated id is reported in the
/// same round as everything else.
fn validate_entity(index: usize, value: Value<'_>, problems: &mut Problems, ids: &mut HashMap<String, usize>) -> Option<Entity> {
    let before = problems.kept.len() + problems.unlisted;
    let Value::Object(mut fields) = value else {
        problems.add(Location::Entity { index, id: None, field: "entity".into() }, format!("expected an object, found {}", value.described()));
        return None;
    };
    let repeated: Vec<String> = repeated_keys(&fields).into_iter().map(str::to_owned).collect();
    let id = match take(&mut fields, "id") {
        Some(Value::String(id)) => match check_id(&id) {
            Ok(()) => Some(id.into_owned()),
            Err(message) => {
                problems.add(Location::Entity { index, id: None, field: "id".into() }, message);
                None
            }
        },
        Some(other) => {
            problems.add(Location::Entity { index, id: None, field: "id".into() }, format!("expected a string, found {}", other.described()));
            None
        }
        None => {
            problems.add(Location::Entity { index, id: None, field: "id".into() }, "missing");
            None
        }
    };
    if let Some(id) = &id {
        match ids.get(id) {
            Some(first) => problems.add(Location::Entity { index, id: Some(id.clone()), field: "id".into() }, format!("duplicate id: entities[{first}] has the same id")),
            None => {
                ids.insert(id.clone(), index);
            }
        }
    }
    let at = |field: &str| Location::Entity { index, id: id.clone(), field: field.to_owned() };
    for key in &repeated {
        problems.add(at(&shown(key)), REPEATED);
    }

    let mut string_field = |fields: &mut Members<'_>, field: &str, required: bool| -> Option<String> {
        match take(fields, field) {
            Some(Value::String(text)) => Some(text.into_owned()),
            Some(other) => {
                problems.add(at(field), format!("expected a string, found {}", other.described()));
                None
            }
            None if required => {
                problems.add(at(field), "missing");
                None
            }
            None => None,
        }
    };
    let name = string_field(&mut fields, "name", true);
    let kind = string_field(&mut fields, "type", true);
    let summary = string_field(&mut fields, "summary", true);
    let url = string_field(&mut fields, "url", false);
    let defaults = match take(&mut fields, "match") {
        Some(value) => parse_options(value, NameOptions::default(), &at("match"), problems, false).map(|(_, options)| options),
        None => Some(NameOptions::default()),
    };
    let aliases = take(&mut fields, "aliases");
    // What is left: repeats of known fields (reported above) and unknown
    // ones, each reported once. The set allocates only for an unknown one.
    let mut unknown = std::collections::HashSet::new();
    for (key, _) in &fields {
        if ENTITY_FIELDS.contains(&&**key) || !unknown.insert(&**key) {
            continue;
        }
        problems.add(at(&shown(key)), "unknown field; expected id, name, type, aliases, summary, url or match");
    }

    if let Some(kind) = &kind {
        if let Err(message) = check_type(kind) {
            problems.add(at("type"), message);
        }
    }
    if let Some(summary) = &summary {
        if let Err(message) = check_summary(summary) {
            problems.add(at("summary"), message);
        }
    }
    if let Some(url) = &url {
        if let Err(message) = check_url(url) {
            problems.add(at("url"), message);
        }
    }
    let defaults = defaults.unwrap_or_default();
    let mut names = Vec::new();
    if let Some(name) = &name {
        match check_name(name) {
            Ok(()) => names.push(Name { text: name.clone(), options: defaults }),
            Err(message) => problems.add(at("name"), message),
        }
    }
    match aliases {
        None => {}
        Some(Value::Array(list)) => {
            if list.len() > MAX_ALIASES {
                problems.add(at("aliases"), format!("{} aliases; the limit is {MAX_ALIASES}", list.len()));
            } else {
                for (alias_index, alias) in list.into_iter().enumerate() {
                    let location = at(&format!("aliases[{alias_index}]"));
                    let parsed = match alias {
                        Value::String(text) => Some((text.into_owned(), defaults)),
                        Value::Object(_) => parse_options(alias, defaults, &location, problems, true).and_then(|(text, options)| text.map(|text| (text, options))),
                        other => {
                            problems.add(location.clone(), format!("expected a string or an object with a \"name\", found {}", other.described()));
                            None
                        }
                    };
                    let Some((text, options)) = parsed else { continue };
                    if let Err(message) = check_name(&text) {
                        problems.add(location, message);
                    } else if let Some(first) = names.iter().position(|existing| existing.text == text) {
                        let what = if first == 0 { "the entity's name".to_owned() } else { format!("aliases[{}]", first - 1) };
                        problems.add(location, format!("\"{text}\" repeats {what}"));
                    } else {
                        names.push(Name { text, options });
                    }
                }
            }
        }
        Some(other) => problems.add(at("aliases"), format!("expected an array, found {}", other.described())),
    }

    if problems.kept.len() + problems.unlisted != before {
        return None;
    }
    Some(Entity { id: id?, name: name?, kind: kind?, names, summary: summary?, url })
}

/// Reads `{ "name"?, "case"?, "sentence_start"? }`; `name` is allowed (and
/// required) only for an alias object.
fn parse_options(value: Value<'_>, defaults: NameOptions, location: &Location, problems: &mut Problems, with_name: bool) -> Option<(Option<String>, NameOptions)> {
    let Value::Object(fields) = value else {
        problems.add(location.clone(), format!("expected an object, found {}", value.described()));
        return None;
    };
    let mut options = defaults;
    let mut name = None;
    let before = problems.kept.len() + problems.unlisted;
    let fail = |problems: &mut Problems, message: String| problems.add(location.clone(), message);
    // name, case, sentence_start
    let mut seen = [false; 3];
    for (key, value) in fields {
        if let Some(flag) = ["name", "case", "sentence_start"].iter().position(|option| *option == key).and_then(|at| seen.get_mut(at)) {
            if *flag && (with_name || key != "name") {
                fail(problems, format!("\"{key}\" {REPEATED}"));
                continue;
            }
            *flag = true;
        }
        match (&*key, value) {
            ("name", Value::String(text)) if with_name => name = Some(text.into_owned()),
            ("case", Value::String(rule)) => match &*rule {
                "default" => options.case = CaseRule::Default,
                "exact" => options.case = CaseRule::Exact,
                "any" => options.case = CaseRule::Any,
                other => fail(problems, format!("\"case\" is \"{}\"; expected \"default\", \"exact\" or \"any\"", shown(other))),
            },
            ("sentence_start", Value::Bool(flag)) => options.sentence_start = flag,
            ("name", other) if with_name => fail(problems, format!("\"name\" must be a string, found {}", other.described())),
            ("case", other) => fail(problems, format!("\"case\" must be a string, found {}", other.described())),
            ("sentence_start", other) => fail(problems, format!("\"sentence_start\" must be true or false, found {}", other.described())),
            (other, _) => {
                let expected = if with_name { "name, case or sentence_start" } else { "case or sentence_start" };
                fail(problems, format!("unknown option \"{}\"; expected {expected}", shown(other)));
            }
        }
    }
    let mut ok = problems.kept.len() + problems.unlisted == before;
    if with_name && name.is_none() && ok {
        fail(problems, "an alias object needs a \"name\"".into());
        ok = false;
    }
    ok.then_some((name, options))
}

fn is_control(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// Text quoted in a message, escaped and cut short: a problem must say
/// which value is wrong without copying megabytes of it into the report.
fn shown(text: &str) -> String {
    const MAX_SHOWN_CHARS: usize = 60;
    let mut out: String = text.chars().take(MAX_SHOWN_CHARS).flat_map(char::escape_debug).collect();
    if text.chars().nth(MAX_SHOWN_CHARS).is_some() {
        out.push_str("...");
    }
    out
}

/// The first bidirectional embedding, override or isolate control and its
/// 1-based character position. They are invisible and reorder the text
/// around them, so in a name, id, summary or link they can make a card show
/// something other than what the dictionary says; the marks U+200E and
/// U+200F, which right-to-left names legitimately need, are allowed.
fn bidi_control(text: &str) -> Option<(usize, char)> {
    text.chars().enumerate().find(|(_, c)| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')).map(|(at, c)| (at + 1, c))
}

fn bidi_problem(text: &str) -> Option<String> {
    bidi_control(text).map(|(at, c)| format!("contains the invisible bidirectional control U+{:04X} at character {at}, which can reorder how the text is shown", c as u32))
}

/// `text` escaped as `str::escape_debug` does, in double quotes. Collected
/// from the escape iterator rather than formatted with `{}`: its `Display`
/// cost 2.5 KB of the `.wasm`.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    out.extend(text.escape_debug());
    out.push('"');
    out
}

fn check_id(id: &str) -> Result<(), String> {
    let chars = id.chars().count();
    if chars == 0 {
        return Err("empty; an id needs 1 to 128 characters".into());
    }
    if chars > MAX_ID_CHARS {
        return Err(format!("{chars} characters; the limit is {MAX_ID_CHARS}"));
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{} contains white space or a control character", quoted(id)));
    }
    if let Some(problem) = bidi_problem(id) {
        return Err(format!("{} {problem}", quoted(id)));
    }
    Ok(())
}

/// Checks a name. Public within the crate so the matcher can rely on it.
pub(crate) fn check_name(name: &str) -> Result<(), String> {
    let chars = name.chars().count();
    if name.trim().is_empty() {
        return Err("empty name".into());
    }
    if chars > MAX_NAME_CHARS {
        return Err(format!("name of {chars} characters; the limit is {MAX_NAME_CHARS}"));
    }
    if let Some((at, c)) = name.chars().enumerate().find(|(_, c)| is_control(*c)) {
        return Err(format!("{} contains the control character or line separator U+{:04X} at character {}", quoted(name), c as u32, at + 1));
    }
    if let Some(problem) = bidi_problem(name) {
        return Err(format!("{} {problem}", quoted(name)));
    }
    if !name.chars().any(char::is_alphanumeric) {
        return Err(format!("\"{name}\" has no letter or digit, so it would match punctuation"));
    }
    Ok(())
}

fn check_type(kind: &str) -> Result<(), String> {
    let mut chars = kind.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !starts_well || !rest_ok || kind.len() > MAX_TYPE_CHARS {
        return Err(format!("\"{}\" is not a type: use a lower-case word such as person, country, city, region, organisation, agreement, event, route or media", shown(kind)));
    }
    Ok(())
}

fn check_summary(summary: &str) -> Result<(), String> {
    let chars = summary.chars().count();
    if summary.trim().is_empty() {
        return Err("empty; every entity needs a summary of a sentence or two".into());
    }
    if chars > MAX_SUMMARY_CHARS {
        return Err(format!("{chars} characters; the limit is {MAX_SUMMARY_CHARS}"));
    }
    if let Some((at, c)) = summary.chars().enumerate().find(|(_, c)| c.is_control() && *c != '\n') {
        return Err(format!("contains the control character U+{:04X} at character {}", c as u32, at + 1));
    }
    if let Some(problem) = bidi_problem(summary) {
        return Err(problem);
    }
    Ok(())
}

/// Only `http:` and `https:` links with a host are accepted: a dictionary
/// must never be able to make a card run `javascript:` or open `data:`.
pub(crate) fn check_url(url: &str) -> Result<(), String> {
    if url.chars().count() > MAX_URL_CHARS {
        return Err(format!("longer than {MAX_URL_CHARS} characters"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains white space or a control character".into());
    }
    if let Some(problem) = bidi_problem(url) {
        return Err(problem);
    }
    let lower = url.to_ascii_lowercase();
    let rest = if let Some(rest) = lower.strip_prefix("https://") {
        rest
    } else if let Some(rest) = lower.strip_prefix("http://") {
        rest
    } else {
        let scheme = lower.split(':').next().unwrap_or("");
        return Err(format!("\"{scheme}:\" links are not allowed; use an http: or https: address"));
    };
    if rest.is_empty() || rest.starts_with('/') {
        return Err("the address has no host".into());
    }
    Ok(())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod serde_oracle;

/// The loader against its serde_json predecessor (`serde_oracle`) on the
/// fuzz corpus and on thousands of broken copies of the bundled dictionary:
/// the same documents accepted, loaded the same. The new loader also
/// refuses, on purpose, a key given twice, nesting past 127 levels and an
/// unpaired surrogate escape inside `sources`, which serde_json let through
/// (keeping the last of two keys, and not checking what it skipped).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod differential {
    use super::*;

    #[derive(Debug, Default)]
    struct Tally {
        accepted: usize,
        refused: usize,
        /// Refused only by the new loader, by the first reason it gave:
        /// a repeated key, nesting, an unpaired surrogate.
        refused_on_purpose: [usize; 3],
        not_utf8: usize,
    }

    fn on_purpose(problem: &Problem) -> Option<usize> {
        let message = problem.message();
        ["given more than once", "recursion limit exceeded", "unpaired surrogate"].iter().position(|reason| message.contains(reason))
    }

    fn compare(bytes: &[u8], what: &str, tally: &mut Tally) {
        let limits = Limits::default();
        // Both read bytes through the same UTF-8 check, which is unchanged.
        let Ok(text) = std::str::from_utf8(bytes) else {
            tally.not_utf8 += 1;
            return;
        };
        match (Dictionary::from_json_with_limits(text, &limits), serde_oracle::from_json_with_limits(text, &limits)) {
            (Ok(new), Ok(old)) => {
                assert_eq!((new.title(), new.as_of()), (old.title(), old.as_of()), "{what}");
                assert!(new.entities() == old.entities(), "{what}: the loaders accept it with different entities");
                tally.accepted += 1;
            }
            (Err(_), Err(_)) => tally.refused += 1,
            (Err(error), Ok(_)) => {
                let reason = error.problems().iter().find_map(on_purpose);
                let count = reason.and_then(|reason| tally.refused_on_purpose.get_mut(reason));
                let Some(count) = count else { panic!("{what}: refused, but serde_json's loader accepted it: {error}") };
                *count += 1;
            }
            (Ok(_), Err(error)) => panic!("{what}: accepted, but serde_json's loader refused it: {error}"),
        }
    }

    // The same mutations on every run.
    use crate::xorshift as next;

    fn pick(state: &mut u64, below: usize) -> usize {
        usize::try_from(next(state) % below.max(1) as u64).unwrap_or(0)
    }

    /// Bytes that change JSON's structure most often.
    const INTERESTING: &[u8] = b"{}[],:\"\\ \n\t0123456789-+.eEtrufalsn/\x00\x1f\x7fx'";

    fn byte(state: &mut u64) -> u8 {
        if next(state) % 8 == 0 {
            (next(state) % 128) as u8
        } else {
            INTERESTING.get(pick(state, INTERESTING.len())).copied().unwrap_or(b'x')
        }
    }

    #[test]
    fn the_bundled_dictionary_loads_as_serde_json_loaded_it() {
        let new = Dictionary::from_json(BUNDLED_JSON).expect("loads");
        let old = serde_oracle::from_json_with_limits(BUNDLED_JSON, &Limits::default()).expect("loads");
        assert_eq!(new.entities().len(), old.entities().len());
        assert!(new.entities() == old.entities());
        assert_eq!((new.title(), new.as_of()), (old.title(), old.as_of()));
    }

    #[test]
    fn the_fuzz_corpus_is_accepted_and_refused_as_serde_json_did() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut tally = Tally::default();
        let mut files = 0;
        for dir in ["fuzz/corpus/dictionary", "tests/data/fuzz-regressions/dictionary"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                if let Ok(bytes) = std::fs::read(&path) {
                    compare(&bytes, &path.display().to_string(), &mut tally);
                    files += 1;
                }
            }
        }
        println!("fuzz corpus: {files} files: {tally:?}");
    }

    #[test]
    fn broken_copies_of_the_bundled_dictionary_are_judged_as_serde_json_did() {
        // DIFFERENTIAL_MUTATIONS raises the number of each kind (slow in a
        // debug build: two loads of 440 KB per mutation).
        let count: usize = std::env::var("DIFFERENTIAL_MUTATIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(150);
        let original = BUNDLED_JSON.as_bytes();
        let mut tally = Tally::default();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        // Truncations: evenly spread, and every cut near both ends.
        let mut cuts: Vec<usize> = (0..count).map(|i| i * original.len() / count.max(1)).collect();
        cuts.extend((0..40).chain(original.len().saturating_sub(40)..original.len()));
        for cut in cuts {
            compare(original.get(..cut).unwrap_or(original), &format!("cut at {cut}"), &mut tally);
        }
        for round in 0..count {
            let mut bytes = original.to_vec();
            let at = pick(&mut state, bytes.len());
            let what = match round % 3 {
                0 => {
                    let new = byte(&mut state);
                    if let Some(old) = bytes.get_mut(at) {
                        *old = new;
                    }
                    format!("byte {at} set to {new:#04x}")
                }
                1 => {
                    bytes.remove(at);
                    format!("byte {at} removed")
                }
                _ => {
                    let inserted: Vec<u8> = (0..1 + pick(&mut state, 4)).map(|_| byte(&mut state)).collect();
                    bytes.splice(at..at, inserted.iter().copied());
                    format!("{:?} inserted at {at}", String::from_utf8_lossy(&inserted))
                }
            };
            compare(&bytes, &what, &mut tally);
        }
        println!("world-news mutations: {tally:?}");
        assert!(tally.accepted > 0 && tally.refused > 0, "{tally:?}");
    }
}

/// Adds `count` to `kind`'s entry of `counts`. A dictionary has a handful
/// of types, so a linear search: a map type would cost the .wasm more.
pub(crate) fn add_type_count<'a>(counts: &mut Vec<(&'a str, u32)>, kind: &'a str, count: u32) {
    match counts.iter_mut().find(|(known, _)| *known == kind) {
        Some((_, total)) => *total = total.saturating_add(count),
        None => counts.push((kind, count)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems_of(json: &str) -> Vec<String> {
        match Dictionary::from_json(json) {
            Ok(_) => vec![],
            Err(error) => error.problems().iter().map(ToString::to_string).collect(),
        }
    }

    const GOOD: &str = r#"{"name":"t","entities":[
        {"id":"country:az","name":"Azerbaijan","type":"country","summary":"A country.","aliases":["Republic of Azerbaijan",{"name":"AZE","case":"exact"}],"url":"https://example.org/az"},
        {"id":"country:td","name":"Chad","type":"country","summary":"A country.","match":{"sentence_start":false}}
    ]}"#;

    #[test]
    fn a_good_dictionary_loads() {
        let dictionary = Dictionary::from_json(GOOD).unwrap();
        assert_eq!(dictionary.entities().len(), 2);
        let az = &dictionary.entities()[0];
        assert_eq!(az.names.len(), 3);
        assert_eq!(az.names[2].options.case, CaseRule::Exact);
        assert!(!dictionary.entities()[1].names[0].options.sentence_start);
        assert_eq!(dictionary.title(), Some("t"));
    }

    #[test]
    fn type_counts_come_in_first_seen_order() {
        let dictionary = Dictionary::from_json(
            r#"{"entities":[
            {"id":"a","name":"A","type":"city","summary":"s"},
            {"id":"b","name":"B","type":"person","summary":"s"},
            {"id":"c","name":"C","type":"city","summary":"s"}
        ]}"#,
        )
        .unwrap();
        assert_eq!(dictionary.type_counts(), vec![("city", 2), ("person", 1)]);
    }

    #[test]
    fn a_repeated_id_is_reported_with_its_entities_other_problems() {
        // Both entities are invalid otherwise; the repeat is not left for a
        // second round once those are mended.
        let json = r#"{"entities":[{"id":"a","name":"X","type":"city"},{"id":"a","name":"Y","type":"city","summary":5}]}"#;
        let error = Dictionary::from_json(json).expect_err("refused");
        let listed: Vec<String> = error.problems().iter().map(ToString::to_string).collect();
        assert_eq!(
            listed,
            [
                "entities[0] (id \"a\"), summary: missing",
                "entities[1] (id \"a\"), id: duplicate id: entities[0] has the same id",
                "entities[1] (id \"a\"), summary: expected a string, found a number",
            ]
        );
    }

    #[test]
    fn each_problem_is_reported_with_where_it_is() {
        // (dictionary, expected text of the single problem)
        let cases: &[(&str, &str)] = &[
            (r#"{"entities":[{"id":"a","name":"","type":"city","summary":"s"}]}"#, "entities[0] (id \"a\"), name: empty name"),
            (r#"{"entities":[{"id":"a","name":" - ","type":"city","summary":"s"}]}"#, "entities[0] (id \"a\"), name: \" - \" has no letter or digit, so it would match punctuation"),
            (r#"{"entities":[{"id":"a","name":"X","type":"City","summary":"s"}]}"#, "entities[0] (id \"a\"), type: \"City\" is not a type: use a lower-case word such as person, country, city, region, organisation, agreement, event, route or media"),
            (r#"{"entities":[{"id":"a","name":"X","type":"city"}]}"#, "entities[0] (id \"a\"), summary: missing"),
            (r#"{"entities":[{"name":"X","type":"city","summary":"s"}]}"#, "entities[0], id: missing"),
            (r#"{"entities":[{"id":"a","name":"X","type":"city","summary":"s","sumary":"t"}]}"#, "entities[0] (id \"a\"), sumary: unknown field; expected id, name, type, aliases, summary, url or match"),
            (r#"{"entities":[{"id":"a","name":"X","type":"city","summary":"s","url":"javascript:alert(1)"}]}"#, "entities[0] (id \"a\"), url: \"javascript:\" links are not allowed; use an http: or https: address"),
            (r#"{"entities":[{"id":"a","name":"X","type":"city","summary":"s","aliases":[5]}]}"#, "entities[0] (id \"a\"), aliases[0]: expected a string or an object with a \"name\", found a number"),
            (r#"{"entities":[{"id":"a","name":"X","type":"city","summary":"s","aliases":["X"]}]}"#, "entities[0] (id \"a\"), aliases[0]: \"X\" repeats the entity's name"),
            (r#"{"entities":[{"id":"a","name":"X","type":"city","summary":"s","aliases":[{"name":"Y","case":"upper"}]}]}"#, "entities[0] (id \"a\"), aliases[0]: \"case\" is \"upper\"; expected \"default\", \"exact\" or \"any\""),
            (r#"{"entities":[{"id":"a","name":"X","type":"city","summary":"s"},{"id":"a","name":"Y","type":"city","summary":"s"}]}"#, "entities[1] (id \"a\"), id: duplicate id: entities[0] has the same id"),
            (r#"{"entities":[3]}"#, "entities[0], entity: expected an object, found a number"),
            (r#"{"entities":[]}"#, ""),
            (r#"{"name":"x"}"#, "field \"entities\": missing: a dictionary needs an \"entities\" array"),
            (r#"{"entities":[], "extra": 1}"#, "field \"extra\": unknown top-level field; expected entities, name, as_of, description or sources"),
            ("{\"entities\":[\n{\"id\":\"a\",}]}", "line 2, column 11: JSON syntax error: trailing comma"),
            ("[1,2]", "line 1, column 1: expected a dictionary object with an \"entities\" array, found an array"),
            ("{\"entities\":[", "line 1, column 14: the file ends too early, inside an array (is a `]` missing?)"),
            (r#"{"entities":[],"name":"a","name":"b"}"#, "field \"name\": given more than once; each field may appear only once"),
            (r#"{"entities":[{"id":"a","name":"X","type":"city","summary":"s","name":"Y"}]}"#, "entities[0] (id \"a\"), name: given more than once; each field may appear only once"),
            (r#"{"entities":[{"id":"a","name":"X","type":"city","summary":"s","match":{"case":"any","case":"exact"}}]}"#, "entities[0] (id \"a\"), match: \"case\" given more than once; each field may appear only once"),
        ];
        for (json, expected) in cases {
            let got = problems_of(json);
            if expected.is_empty() {
                assert!(got.is_empty(), "{json}: expected no problem, got {got:?}");
            } else {
                assert_eq!(got, vec![expected.to_string()], "for {json}");
            }
        }
    }

    #[test]
    fn a_key_given_twice_is_refused_wherever_it_is() {
        let repeated = "given more than once; each field may appear only once";
        let entity = r#""id":"a","name":"X","type":"city","summary":"s""#;
        let cases: Vec<(String, Vec<String>)> = vec![
            (format!(r#"{{"entities":[{{{entity}}}],"entities":[]}}"#), vec![format!("field \"entities\": {repeated}")]),
            (format!(r#"{{"entities":[{{{entity},"id":"b"}}]}}"#), vec![format!("entities[0] (id \"a\"), id: {repeated}")]),
            (
                format!(r#"{{"entities":[{{{entity},"x":1,"y":2,"x":3}}]}}"#),
                vec![
                    format!("entities[0] (id \"a\"), x: {repeated}"),
                    "entities[0] (id \"a\"), x: unknown field; expected id, name, type, aliases, summary, url or match".into(),
                    "entities[0] (id \"a\"), y: unknown field; expected id, name, type, aliases, summary, url or match".into(),
                ],
            ),
            (format!(r#"{{"entities":[{{{entity},"aliases":[{{"name":"Y","name":"Z"}}]}}]}}"#), vec![format!("entities[0] (id \"a\"), aliases[0]: \"name\" {repeated}")]),
        ];
        for (json, expected) in cases {
            assert_eq!(problems_of(&json), expected, "{json}");
        }
        // Many members: the same report, found without comparing each pair.
        let many: String = (0..5_000).map(|i| format!(r#","k{}":1"#, i % 2_500)).collect();
        let error = Dictionary::from_json(&format!(r#"{{"entities":[{{{entity}{many}}}]}}"#)).unwrap_err();
        assert_eq!(error.count(), 5_000);
        assert_eq!(error.problems()[0].to_string(), format!("entities[0] (id \"a\"), k0: {repeated}"));
    }

    #[test]
    fn every_problem_is_listed_and_nothing_is_half_loaded() {
        let json = r#"{"entities":[
            {"id":"ok","name":"Fine","type":"city","summary":"s"},
            {"id":"b1","name":"","type":"city","summary":"s"},
            {"id":"b2","name":"Y","type":"city","summary":""}
        ]}"#;
        let error = Dictionary::from_json(json).unwrap_err();
        assert_eq!(error.count(), 2);
        assert!(error.to_string().contains("b1") && error.to_string().contains("b2"));
    }

    #[test]
    fn absurd_sizes_are_refused() {
        let limits = Limits { max_bytes: 100, max_entities: 2 };
        let big = format!(r#"{{"entities":[],"description":"{}"}}"#, "x".repeat(200));
        let error = Dictionary::from_json_with_limits(&big, &limits).unwrap_err();
        assert!(error.to_string().contains("the limit is 100 bytes"), "{error}");
        let many = r#"{"entities":[{"id":"a","name":"A","type":"x","summary":"s"},{"id":"b","name":"B","type":"x","summary":"s"},{"id":"c","name":"C","type":"x","summary":"s"}]}"#;
        let error = Dictionary::from_json_with_limits(many, &Limits { max_bytes: 10_000, max_entities: 2 }).unwrap_err();
        assert!(error.to_string().contains("more than 2 entities"), "{error}");
        let long_name = format!(r#"{{"entities":[{{"id":"a","name":"{}","type":"x","summary":"s"}}]}}"#, "n".repeat(10_000));
        let error = Dictionary::from_json(&long_name).unwrap_err();
        assert!(error.to_string().contains("name of 10000 characters; the limit is 200"), "{error}");
    }

    #[test]
    fn a_million_problems_keep_memory_bounded() {
        let mut json = String::from(r#"{"entities":["#);
        for i in 0..20_000 {
            if i > 0 {
                json.push(',');
            }
            json.push_str(r#"{"id":"same","name":"N","type":"x","summary":"s"}"#);
        }
        json.push_str("]}");
        let error = Dictionary::from_json(&json).unwrap_err();
        assert_eq!(error.count(), 19_999);
        assert!(error.problems().len() <= MAX_PROBLEMS_KEPT);
        assert!(error.to_string().ends_with("more"));
    }

    #[test]
    fn invalid_utf8_is_reported_with_its_line() {
        let bytes = b"{\"entities\":[\n{\"id\":\"a\xff\"}]}";
        let error = Dictionary::from_bytes(bytes, &Limits::default()).unwrap_err();
        assert_eq!(error.problems()[0].location(), &Location::Text { line: 2, column: 9 });
    }

    #[test]
    fn urls_other_than_http_are_refused() {
        for url in ["javascript:alert(1)", "data:text/html,x", "JAVASCRIPT:x", "https://", "ftp://x", "https://a b"] {
            assert!(check_url(url).is_err(), "{url} should be refused");
        }
        for url in ["https://en.wikipedia.org/wiki/Baku", "http://example.org"] {
            assert!(check_url(url).is_ok(), "{url} should be accepted");
        }
    }
}
