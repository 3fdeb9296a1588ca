//! The loader as it was with serde_json, kept as the oracle of the
//! differential test in `dictionary.rs`: the reader in `json.rs` must
//! accept exactly the dictionaries it accepted (but for the refusals the
//! new loader adds on purpose) and load them identically.

use std::collections::HashMap;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::{check_id, check_name, check_summary, check_type, check_url, shown, CaseRule, Dictionary, DictionaryError, Entity, Limits, Location, Name, NameOptions, Problems, MAX_ALIASES, MAX_META_CHARS};

/// The old `from_json_with_limits`, less its error wording.
pub(super) fn from_json_with_limits(json: &str, limits: &Limits) -> Result<Dictionary, DictionaryError> {
    super::check_size(json.len(), limits)?;
    let json = json.strip_prefix('\u{FEFF}').unwrap_or(json);
    let mut problems = Problems::default();
    let mut loader = Loader { limits, problems: &mut problems, dictionary: Dictionary::default(), ids: HashMap::new(), saw_entities: false };
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let parsed = (&mut loader).deserialize(&mut deserializer).and_then(|()| deserializer.end());
    let saw_entities = loader.saw_entities;
    let dictionary = loader.dictionary;
    if let Err(error) = parsed {
        problems.add(Location::Text { line: error.line(), column: error.column() }, error.to_string());
    } else if !saw_entities {
        problems.add(Location::Field("entities".into()), "missing: a dictionary needs an \"entities\" array");
    }
    if problems.is_empty() {
        Ok(dictionary)
    } else {
        Err(DictionaryError { problems: problems.kept, unlisted: problems.unlisted })
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

