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

use std::collections::HashMap;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

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
const MAX_SUMMARY_CHARS: usize = 1_000;
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
    /// A JSON syntax or structure error, at a 1-based line and column.
    Text {
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
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
                let valid = &bytes[..error.valid_up_to()];
                let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
                let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
                let column = String::from_utf8_lossy(&valid[line_start..]).chars().count() + 1;
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
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let parsed = (&mut loader).deserialize(&mut deserializer).and_then(|()| deserializer.end());
        let saw_entities = loader.saw_entities;
        let dictionary = loader.dictionary;
        if let Err(error) = parsed {
            // A syntax error makes everything after it unreadable, so it is
            // the last problem listed.
            problems.add(Location::Text { line: error.line(), column: error.column() }, describe_json_error(&error));
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
            format!("the file is {} bytes; the limit is {} bytes ({} MiB)", len, limits.max_bytes, limits.max_bytes / (1024 * 1024)),
        ));
    }
    Ok(())
}

fn describe_json_error(error: &serde_json::Error) -> String {
    // serde_json appends " at line L column C"; the location says that.
    let text = error.to_string();
    let text = match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    };
    match error.classify() {
        serde_json::error::Category::Eof => format!("the file ends too early: {text}"),
        // serde_json calls an unpaired \uD800-\uDFFF escape an "unexpected
        // end of hex escape" or a "lone ... surrogate"; say what it means.
        serde_json::error::Category::Syntax if text.contains("surrogate") || text.contains("hex escape") => {
            format!("JSON syntax error: {text} (a \\u escape needs four hex digits, and one between \\uD800 and \\uDFFF is half of a character: it must be followed by its other half)")
        }
        serde_json::error::Category::Syntax => format!("JSON syntax error: {text}"),
        _ => text,
    }
}

struct Loader<'a> {
    limits: &'a Limits,
    problems: &'a mut Problems,
    dictionary: Dictionary,
    ids: HashMap<String, usize>,
    saw_entities: bool,
}

impl<'de> DeserializeSeed<'de> for &mut Loader<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for &mut Loader<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a dictionary object with an \"entities\" array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "entities" => {
                    self.saw_entities = true;
                    map.next_value_seed(EntityList(&mut *self))?;
                }
                "name" | "as_of" | "description" => {
                    let value: Value = map.next_value()?;
                    match value {
                        Value::String(text) if text.chars().count() <= MAX_META_CHARS => {
                            if key == "name" {
                                self.dictionary.title = Some(text);
                            } else if key == "as_of" {
                                self.dictionary.as_of = Some(text);
                            }
                        }
                        Value::String(_) => self.problems.add(Location::Field(key), format!("longer than {MAX_META_CHARS} characters")),
                        other => self.problems.add(Location::Field(key), format!("expected a string, found {}", describe(&other))),
                    }
                }
                "sources" => {
                    map.next_value::<IgnoredAny>()?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    self.problems.add(Location::Field(shown(&key)), "unknown top-level field; expected entities, name, as_of, description or sources");
                }
            }
        }
        Ok(())
    }
}

struct EntityList<'l, 'a>(&'l mut Loader<'a>);

impl<'de> DeserializeSeed<'de> for EntityList<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for EntityList<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an array of entity objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let loader = self.0;
        let mut index = 0usize;
        while let Some(value) = seq.next_element::<Value>()? {
            if index == loader.limits.max_entities {
                loader.problems.add(Location::Field("entities".into()), format!("more than {} entities; split the dictionary", loader.limits.max_entities));
            }
            if index < loader.limits.max_entities {
                if let Some(entity) = validate_entity(index, value, loader.problems) {
                    match loader.ids.get(&entity.id) {
                        Some(first) => loader.problems.add(
                            Location::Entity { index, id: Some(entity.id.clone()), field: "id".into() },
                            format!("duplicate id: entities[{first}] has the same id"),
                        ),
                        None => {
                            loader.ids.insert(entity.id.clone(), index);
                            loader.dictionary.entities.push(entity);
                        }
                    }
                }
            }
            index += 1;
        }
        Ok(())
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reports problems for one entity; returns it only when it has none.
fn validate_entity(index: usize, value: Value, problems: &mut Problems) -> Option<Entity> {
    let before = problems.kept.len() + problems.unlisted;
    let Value::Object(mut fields) = value else {
        problems.add(Location::Entity { index, id: None, field: "entity".into() }, format!("expected an object, found {}", describe(&value)));
        return None;
    };
    let id = match fields.remove("id") {
        Some(Value::String(id)) => match check_id(&id) {
            Ok(()) => Some(id),
            Err(message) => {
                problems.add(Location::Entity { index, id: None, field: "id".into() }, message);
                None
            }
        },
        Some(other) => {
            problems.add(Location::Entity { index, id: None, field: "id".into() }, format!("expected a string, found {}", describe(&other)));
            None
        }
        None => {
            problems.add(Location::Entity { index, id: None, field: "id".into() }, "missing");
            None
        }
    };
    let at = |field: &str| Location::Entity { index, id: id.clone(), field: field.to_owned() };

    let mut string_field = |fields: &mut serde_json::Map<String, Value>, field: &str, required: bool| -> Option<String> {
        match fields.remove(field) {
            Some(Value::String(text)) => Some(text),
            Some(other) => {
                problems.add(at(field), format!("expected a string, found {}", describe(&other)));
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
    let defaults = match fields.remove("match") {
        Some(value) => parse_options(value, NameOptions::default(), &at("match"), problems, false).map(|(_, options)| options),
        None => Some(NameOptions::default()),
    };
    let aliases = fields.remove("aliases");
    for key in fields.keys() {
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
                        Value::String(text) => Some((text, defaults)),
                        Value::Object(_) => parse_options(alias, defaults, &location, problems, true).and_then(|(text, options)| text.map(|text| (text, options))),
                        other => {
                            problems.add(location.clone(), format!("expected a string or an object with a \"name\", found {}", describe(&other)));
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
        Some(other) => problems.add(at("aliases"), format!("expected an array, found {}", describe(&other))),
    }

    if problems.kept.len() + problems.unlisted != before {
        return None;
    }
    Some(Entity { id: id?, name: name?, kind: kind?, names, summary: summary?, url })
}

/// Reads `{ "name"?, "case"?, "sentence_start"? }`; `name` is allowed (and
/// required) only for an alias object.
fn parse_options(value: Value, defaults: NameOptions, location: &Location, problems: &mut Problems, with_name: bool) -> Option<(Option<String>, NameOptions)> {
    let Value::Object(fields) = value else {
        problems.add(location.clone(), format!("expected an object, found {}", describe(&value)));
        return None;
    };
    let mut options = defaults;
    let mut name = None;
    let before = problems.kept.len() + problems.unlisted;
    let fail = |problems: &mut Problems, message: String| problems.add(location.clone(), message);
    for (key, value) in fields {
        match (key.as_str(), value) {
            ("name", Value::String(text)) if with_name => name = Some(text),
            ("case", Value::String(rule)) => match rule.as_str() {
                "default" => options.case = CaseRule::Default,
                "exact" => options.case = CaseRule::Exact,
                "any" => options.case = CaseRule::Any,
                other => fail(problems, format!("\"case\" is \"{}\"; expected \"default\", \"exact\" or \"any\"", shown(other))),
            },
            ("sentence_start", Value::Bool(flag)) => options.sentence_start = flag,
            ("name", other) if with_name => fail(problems, format!("\"name\" must be a string, found {}", describe(&other))),
            ("case", other) => fail(problems, format!("\"case\" must be a string, found {}", describe(&other))),
            ("sentence_start", other) => fail(problems, format!("\"sentence_start\" must be true or false, found {}", describe(&other))),
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

fn check_id(id: &str) -> Result<(), String> {
    let chars = id.chars().count();
    if chars == 0 {
        return Err("empty; an id needs 1 to 128 characters".into());
    }
    if chars > MAX_ID_CHARS {
        return Err(format!("{chars} characters; the limit is {MAX_ID_CHARS}"));
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("\"{}\" contains white space or a control character", id.escape_debug()));
    }
    if let Some(problem) = bidi_problem(id) {
        return Err(format!("\"{}\" {problem}", id.escape_debug()));
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
        return Err(format!("\"{}\" contains the control character or line separator U+{:04X} at character {}", name.escape_debug(), c as u32, at + 1));
    }
    if let Some(problem) = bidi_problem(name) {
        return Err(format!("\"{}\" {problem}", name.escape_debug()));
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
            ("[1,2]", "line 1, column 0: invalid type: sequence, expected a dictionary object with an \"entities\" array"),
            ("{\"entities\":[", "line 1, column 13: the file ends too early: EOF while parsing a list"),
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
