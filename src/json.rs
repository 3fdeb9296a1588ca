//! A small pull reader for JSON text, written for the dictionary loader.
//!
//! serde_json's deserializer, with its float parsing and formatting, cost
//! about 35 KB gzipped of the `.wasm`, which every page downloads; the
//! loader needs far less: objects, arrays, strings, `true`, `false` and
//! `null`, and numbers only checked against the grammar (a dictionary has
//! no numbers it reads, so none is ever converted).
//!
//! The loader drives the reader: [`Reader::next_key`] and
//! [`Reader::next_element`] step through the object or array it opened,
//! [`Reader::value`] reads one whole value (one entity, say) into a
//! [`Value`], and [`Reader::skip`] checks a value without keeping it.
//! Errors carry a byte offset; [`position`] turns it into a line and column
//! only when one is reported, so reading pays nothing for positions.
//!
//! The input is hostile: nothing here indexes or unwraps on what it reads,
//! and nesting is limited so that recursion cannot exhaust the stack.

use std::borrow::Cow;
use std::fmt;

/// Most arrays and objects open at once, the top-level object included.
/// serde_json's limit, which the loader had before this reader.
pub(crate) const MAX_DEPTH: usize = 127;

/// A JSON value as the loader needs it. Numbers are checked but not kept:
/// nothing in a dictionary is a number, so one is only ever reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    Number,
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    /// Members in file order, repeated keys included, so that the loader
    /// can report a repeat rather than silently keep one of them.
    Object(Vec<(Cow<'a, str>, Value<'a>)>),
}

impl Value<'_> {
    /// The value's type, as a problem names it ("found a number").
    pub(crate) fn described(&self) -> &'static str {
        match self {
            Value::Null => Kind::Null.described(),
            Value::Bool(_) => Kind::Bool.described(),
            Value::Number => Kind::Number.described(),
            Value::String(_) => Kind::String.described(),
            Value::Array(_) => Kind::Array.described(),
            Value::Object(_) => Kind::Object.described(),
        }
    }
}

/// The type of the value that comes next, known from its first character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl Kind {
    pub(crate) fn described(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        }
    }
}

/// What the text ended inside of, for "the file ends too early".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Inside {
    /// Before the first value: the file is empty or only white space.
    Nothing,
    Object,
    Array,
    String,
    Number,
    /// `true`, `false` or `null`.
    Literal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    Eof(Inside),
    ExpectedValue,
    ExpectedColon,
    ExpectedCommaOrBrace,
    ExpectedCommaOrBracket,
    KeyMustBeString,
    TrailingComma,
    TrailingCharacters,
    /// The literal that was being read: `true`, `false` or `null`.
    InvalidLiteral(&'static str),
    InvalidNumber,
    InvalidEscape,
    InvalidHexEscape,
    LoneSurrogate,
    ControlCharacter(u8),
    TooDeep,
    /// Well-formed JSON of the wrong shape: the caller said what it needed.
    WrongType { expected: &'static str, found: &'static str },
}

/// Why the text cannot be read, and where: `at` is a byte offset, the first
/// byte that is wrong or, when the text ends too early, its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Error {
    pub(crate) at: usize,
    pub(crate) kind: ErrorKind,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let syntax = |f: &mut fmt::Formatter<'_>, text: &str| write!(f, "JSON syntax error: {text}");
        match self.kind {
            ErrorKind::Eof(Inside::Nothing) => write!(f, "the file ends too early: it holds no JSON value"),
            ErrorKind::Eof(Inside::Object) => write!(f, "the file ends too early, inside an object (is a `}}` missing?)"),
            ErrorKind::Eof(Inside::Array) => write!(f, "the file ends too early, inside an array (is a `]` missing?)"),
            ErrorKind::Eof(Inside::String) => write!(f, "the file ends too early, inside a string (is a closing `\"` missing?)"),
            ErrorKind::Eof(Inside::Number) => write!(f, "the file ends too early, inside a number"),
            ErrorKind::Eof(Inside::Literal) => write!(f, "the file ends too early, inside a true, false or null"),
            ErrorKind::ExpectedValue => syntax(f, "expected a value: a string, number, object, array, true, false or null"),
            ErrorKind::ExpectedColon => syntax(f, "expected `:` after the key"),
            ErrorKind::ExpectedCommaOrBrace => syntax(f, "expected `,` or `}`"),
            ErrorKind::ExpectedCommaOrBracket => syntax(f, "expected `,` or `]`"),
            ErrorKind::KeyMustBeString => syntax(f, "key must be a string in double quotes"),
            ErrorKind::TrailingComma => syntax(f, "trailing comma"),
            ErrorKind::TrailingCharacters => syntax(f, "trailing characters after the dictionary's closing `}`"),
            ErrorKind::InvalidLiteral(word) => write!(f, "JSON syntax error: invalid literal; expected `{word}`"),
            ErrorKind::InvalidNumber => syntax(f, "invalid number (JSON numbers look like 7, -0.5 or 1e3, with no leading zero)"),
            ErrorKind::InvalidEscape => syntax(f, "invalid escape; JSON knows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\u followed by four hex digits"),
            ErrorKind::InvalidHexEscape => syntax(f, "a \\u escape needs four hex digits"),
            ErrorKind::LoneSurrogate => syntax(
                f,
                "unpaired surrogate escape: a \\u escape between \\uD800 and \\uDFFF is half of a character: \\uD800-\\uDBFF must be followed by its other half, \\uDC00-\\uDFFF",
            ),
            ErrorKind::ControlCharacter(byte) => write!(f, "JSON syntax error: control character U+{byte:04X} in a string; write it as an escape such as \\n or \\u{byte:04X}"),
            ErrorKind::TooDeep => write!(f, "JSON syntax error: recursion limit exceeded: arrays and objects are nested more than {MAX_DEPTH} deep"),
            ErrorKind::WrongType { expected, found } => write!(f, "expected {expected}, found {found}"),
        }
    }
}

/// The 1-based line and column of byte `at` in `bytes`. Lines end at `\n`;
/// columns count characters (UTF-8 lead bytes), not bytes, so a name in
/// Cyrillic does not push a column out of place.
pub(crate) fn position(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = bytes.get(..at).unwrap_or(bytes);
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
    let column = before.get(line_start..).unwrap_or(&[]).iter().filter(|b| (**b & 0xC0) != 0x80).count() + 1;
    (line, column)
}

pub(crate) struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    /// One bit per open container, set for an array: enough to say what an
    /// early end is inside of, since `depth` never passes 127.
    arrays: u128,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(text: &'a str) -> Reader<'a> {
        Reader { text, bytes: text.as_bytes(), pos: 0, depth: 0, arrays: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn white_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn error(&self, kind: ErrorKind) -> Error {
        Error { at: self.pos, kind }
    }

    fn eof(&self, inside: Inside) -> Error {
        Error { at: self.bytes.len(), kind: ErrorKind::Eof(inside) }
    }

    fn eof_in_container(&self) -> Error {
        let inside = match self.depth.checked_sub(1) {
            None => Inside::Nothing,
            Some(top) if (self.arrays >> top) & 1 == 1 => Inside::Array,
            Some(_) => Inside::Object,
        };
        self.eof(inside)
    }

    /// The type of the next value, which is not consumed.
    pub(crate) fn kind(&mut self) -> Result<Kind, Error> {
        self.white_space();
        match self.peek() {
            None => Err(self.eof_in_container()),
            Some(b'{') => Ok(Kind::Object),
            Some(b'[') => Ok(Kind::Array),
            Some(b'"') => Ok(Kind::String),
            Some(b'-' | b'0'..=b'9') => Ok(Kind::Number),
            Some(b't' | b'f') => Ok(Kind::Bool),
            Some(b'n') => Ok(Kind::Null),
            Some(_) => Err(self.error(ErrorKind::ExpectedValue)),
        }
    }

    fn open(&mut self, array: bool) -> Result<(), Error> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(ErrorKind::TooDeep));
        }
        let bit = 1u128 << self.depth;
        if array {
            self.arrays |= bit;
        } else {
            self.arrays &= !bit;
        }
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        self.pos += 1;
    }

    /// Opens the object that must come next; `expected` says what it is
    /// for when something else comes instead.
    pub(crate) fn begin_object(&mut self, expected: &'static str) -> Result<(), Error> {
        self.begin(Kind::Object, expected)
    }

    /// Opens the array that must come next, like [`Reader::begin_object`].
    pub(crate) fn begin_array(&mut self, expected: &'static str) -> Result<(), Error> {
        self.begin(Kind::Array, expected)
    }

    fn begin(&mut self, wanted: Kind, expected: &'static str) -> Result<(), Error> {
        let kind = self.kind()?;
        if kind != wanted {
            return Err(self.error(ErrorKind::WrongType { expected, found: kind.described() }));
        }
        self.open(kind == Kind::Array)
    }

    /// Steps past the `,` between members or the closing `}` or `]`:
    /// true when another member follows. `first` is true until the first
    /// member has been read.
    fn next_member(&mut self, first: &mut bool, close: u8) -> Result<bool, Error> {
        self.white_space();
        let expected = if close == b'}' { ErrorKind::ExpectedCommaOrBrace } else { ErrorKind::ExpectedCommaOrBracket };
        match self.peek() {
            None => return Err(self.eof_in_container()),
            Some(byte) if byte == close => {
                self.close();
                return Ok(false);
            }
            Some(b',') if !*first => {
                self.pos += 1;
                self.white_space();
                match self.peek() {
                    None => return Err(self.eof_in_container()),
                    Some(byte) if byte == close => return Err(self.error(ErrorKind::TrailingComma)),
                    Some(_) => {}
                }
            }
            Some(_) if !*first => return Err(self.error(expected)),
            Some(_) => {}
        }
        *first = false;
        Ok(true)
    }

    /// The next key of the open object, with its `:` read, or `None` when
    /// the object ends (it is then closed).
    pub(crate) fn next_key(&mut self, first: &mut bool) -> Result<Option<Cow<'a, str>>, Error> {
        if !self.next_member(first, b'}')? {
            return Ok(None);
        }
        if self.peek() != Some(b'"') {
            return Err(self.error(ErrorKind::KeyMustBeString));
        }
        let key = self.string()?;
        self.white_space();
        match self.peek() {
            Some(b':') => self.pos += 1,
            None => return Err(self.eof_in_container()),
            Some(_) => return Err(self.error(ErrorKind::ExpectedColon)),
        }
        Ok(Some(key))
    }

    /// Whether another element of the open array follows; when not, the
    /// array is closed.
    pub(crate) fn next_element(&mut self, first: &mut bool) -> Result<bool, Error> {
        self.next_member(first, b']')
    }

    /// Reads one whole value.
    pub(crate) fn value(&mut self) -> Result<Value<'a>, Error> {
        match self.kind()? {
            Kind::Object => {
                self.open(false)?;
                // An entity has up to seven members: one allocation, not three.
                let mut members = Vec::with_capacity(8);
                let mut first = true;
                while let Some(key) = self.next_key(&mut first)? {
                    let value = self.value()?;
                    members.push((key, value));
                }
                Ok(Value::Object(members))
            }
            Kind::Array => {
                self.open(true)?;
                let mut elements = Vec::new();
                let mut first = true;
                while self.next_element(&mut first)? {
                    elements.push(self.value()?);
                }
                Ok(Value::Array(elements))
            }
            Kind::String => Ok(Value::String(self.string()?)),
            Kind::Number => self.number().map(|()| Value::Number),
            Kind::Bool => self.boolean().map(Value::Bool),
            Kind::Null => self.literal("null").map(|()| Value::Null),
        }
    }

    /// Checks one whole value without keeping it.
    pub(crate) fn skip(&mut self) -> Result<(), Error> {
        match self.kind()? {
            Kind::Object => {
                self.open(false)?;
                let mut first = true;
                while self.next_key(&mut first)?.is_some() {
                    self.skip()?;
                }
                Ok(())
            }
            Kind::Array => {
                self.open(true)?;
                let mut first = true;
                while self.next_element(&mut first)? {
                    self.skip()?;
                }
                Ok(())
            }
            Kind::String => self.string().map(drop),
            Kind::Number => self.number(),
            Kind::Bool => self.boolean().map(drop),
            Kind::Null => self.literal("null"),
        }
    }

    /// After the last value: only white space may follow.
    pub(crate) fn end(&mut self) -> Result<(), Error> {
        self.white_space();
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error(ErrorKind::TrailingCharacters)),
        }
    }

    fn boolean(&mut self) -> Result<bool, Error> {
        if self.peek() == Some(b't') {
            self.literal("true").map(|()| true)
        } else {
            self.literal("false").map(|()| false)
        }
    }

    fn literal(&mut self, word: &'static str) -> Result<(), Error> {
        for expected in word.bytes() {
            match self.peek() {
                None => return Err(self.eof(Inside::Literal)),
                Some(byte) if byte == expected => self.pos += 1,
                Some(_) => return Err(self.error(ErrorKind::InvalidLiteral(word))),
            }
        }
        Ok(())
    }

    fn digits(&mut self) -> Result<(), Error> {
        match self.peek() {
            None => return Err(self.eof(Inside::Number)),
            Some(b'0'..=b'9') => {}
            Some(_) => return Err(self.error(ErrorKind::InvalidNumber)),
        }
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        Ok(())
    }

    /// Checks a number against JSON's grammar:
    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Result<(), Error> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        if self.peek() == Some(b'0') {
            self.pos += 1;
            if let Some(b'0'..=b'9') = self.peek() {
                return Err(self.error(ErrorKind::InvalidNumber));
            }
        } else {
            self.digits()?;
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.digits()?;
        }
        Ok(())
    }

    /// Reads the string that starts here, unescaped; borrowed from the text
    /// when it has no escape, as almost every string in a dictionary.
    fn string(&mut self) -> Result<Cow<'a, str>, Error> {
        self.pos += 1;
        let mut run = self.pos;
        let mut owned: Option<String> = None;
        loop {
            match self.peek() {
                None => return Err(self.eof(Inside::String)),
                Some(b'"') => {
                    // Both ends of a run are ASCII bytes, so char boundaries.
                    let piece = self.text.get(run..self.pos).unwrap_or_default();
                    self.pos += 1;
                    return Ok(match owned {
                        None => Cow::Borrowed(piece),
                        Some(mut text) => {
                            text.push_str(piece);
                            Cow::Owned(text)
                        }
                    });
                }
                Some(b'\\') => {
                    let text = owned.get_or_insert_with(String::new);
                    text.push_str(self.text.get(run..self.pos).unwrap_or_default());
                    text.push(self.escape()?);
                    run = self.pos;
                }
                Some(byte @ 0..=0x1F) => return Err(self.error(ErrorKind::ControlCharacter(byte))),
                Some(_) => {
                    // Most of a dictionary is string content: find the next
                    // byte that ends the plain run in one pass.
                    let rest = self.bytes.get(self.pos..).unwrap_or_default();
                    self.pos += rest.iter().position(|byte| matches!(byte, b'"' | b'\\' | 0..=0x1F)).unwrap_or(rest.len());
                }
            }
        }
    }

    /// Reads the escape at `\`, a surrogate pair as one character.
    fn escape(&mut self) -> Result<char, Error> {
        let start = self.pos;
        self.pos += 1;
        let Some(letter) = self.peek() else { return Err(self.eof(Inside::String)) };
        self.pos += 1;
        let simple = match letter {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(start),
            _ => return Err(Error { at: start, kind: ErrorKind::InvalidEscape }),
        };
        Ok(simple)
    }

    /// After `\u` at `start`: a character, or the first half of a pair that
    /// the next `\u` escape must complete.
    fn unicode_escape(&mut self, start: usize) -> Result<char, Error> {
        let lone = Error { at: start, kind: ErrorKind::LoneSurrogate };
        let first = self.hex4()?;
        match first {
            0xD800..=0xDBFF => {
                match (self.peek(), self.bytes.get(self.pos + 1)) {
                    (None, _) | (Some(b'\\'), None) => return Err(self.eof(Inside::String)),
                    (Some(b'\\'), Some(b'u')) => self.pos += 2,
                    _ => return Err(lone),
                }
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(lone);
                }
                char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)).ok_or(lone)
            }
            0xDC00..=0xDFFF => Err(lone),
            _ => char::from_u32(first).ok_or(lone),
        }
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = match self.peek() {
                None => return Err(self.eof(Inside::String)),
                Some(byte) => char::from(byte).to_digit(16).ok_or(self.error(ErrorKind::InvalidHexEscape))?,
            };
            code = code * 16 + digit;
            self.pos += 1;
        }
        Ok(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Value<'_>, Error> {
        let mut reader = Reader::new(text);
        let value = reader.value()?;
        reader.end()?;
        Ok(value)
    }

    fn string(text: &str) -> Value<'_> {
        Value::String(Cow::Borrowed(text))
    }

    #[test]
    fn every_kind_of_token_is_read() {
        let cases: Vec<(&str, Value)> = vec![
            ("null", Value::Null),
            ("true", Value::Bool(true)),
            ("false", Value::Bool(false)),
            (" \t\r\n false \n", Value::Bool(false)),
            ("0", Value::Number),
            ("-0", Value::Number),
            ("7", Value::Number),
            ("-12.5e+3", Value::Number),
            ("1E-7", Value::Number),
            ("0.25", Value::Number),
            ("1e400", Value::Number),
            ("123456789012345678901234567890", Value::Number),
            (r#""""#, string("")),
            (r#""Baku""#, string("Baku")),
            (r#""Bakı ü 東京""#, string("Bakı ü 東京")),
            (r#""a\"b\\c\/d\be\ff\ng\rh\ti""#, string("a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti")),
            (r#""\u0041\u00e9\u6771""#, string("Aé東")),
            (r#""\u0000""#, string("\0")),
            (r#""\ud83d\ude00!""#, string("😀!")),
            (r#""\uD83D\uDE00""#, string("😀")),
            (r#""\uFFFF""#, string("\u{FFFF}")),
            ("\"\u{7F}\u{2028}\"", string("\u{7F}\u{2028}")),
            ("[]", Value::Array(vec![])),
            ("[ 1 , \"x\" , [ ] ]", Value::Array(vec![Value::Number, string("x"), Value::Array(vec![])])),
            ("{}", Value::Object(vec![])),
            (
                r#"{"a":1,"b":{"c":null},"a":true}"#,
                Value::Object(vec![
                    (Cow::Borrowed("a"), Value::Number),
                    (Cow::Borrowed("b"), Value::Object(vec![(Cow::Borrowed("c"), Value::Null)])),
                    (Cow::Borrowed("a"), Value::Bool(true)),
                ]),
            ),
            (r#"{"k\u0041":[]}"#, Value::Object(vec![(Cow::Owned("kA".into()), Value::Array(vec![]))])),
        ];
        for (text, expected) in cases {
            assert_eq!(read(text), Ok(expected), "{text:?}");
        }
        // Unescaped strings are borrowed from the text, not copied.
        assert!(matches!(read(r#""plain""#), Ok(Value::String(Cow::Borrowed(_)))));
        assert!(matches!(read(r#""esc\n""#), Ok(Value::String(Cow::Owned(_)))));
    }

    #[test]
    fn every_error_is_reported_at_its_line_and_column() {
        use ErrorKind::*;
        // (text, error, line, column): the column of the first wrong
        // character, or just past the last one when the text ends early.
        let cases: &[(&str, ErrorKind, usize, usize)] = &[
            ("", Eof(Inside::Nothing), 1, 1),
            (" \n ", Eof(Inside::Nothing), 2, 2),
            ("{", Eof(Inside::Object), 1, 2),
            ("{\"a\":1", Eof(Inside::Object), 1, 7),
            ("{\"a\"", Eof(Inside::Object), 1, 5),
            ("{\"a\":", Eof(Inside::Object), 1, 6),
            ("[1,", Eof(Inside::Array), 1, 4),
            ("{\"a\":[\n", Eof(Inside::Array), 2, 1),
            ("\"abc", Eof(Inside::String), 1, 5),
            ("\"a\\", Eof(Inside::String), 1, 4),
            ("\"\\u12", Eof(Inside::String), 1, 6),
            ("\"\\ud800", Eof(Inside::String), 1, 8),
            ("\"\\ud800\\", Eof(Inside::String), 1, 9),
            ("-", Eof(Inside::Number), 1, 2),
            ("[1.", Eof(Inside::Number), 1, 4),
            ("[1e", Eof(Inside::Number), 1, 4),
            ("tr", Eof(Inside::Literal), 1, 3),
            ("x", ExpectedValue, 1, 1),
            ("[1,]", TrailingComma, 1, 4),
            ("{\"a\":1,}", TrailingComma, 1, 8),
            ("[,1]", ExpectedValue, 1, 2),
            ("{,}", KeyMustBeString, 1, 2),
            ("{'a':1}", KeyMustBeString, 1, 2),
            ("{a:1}", KeyMustBeString, 1, 2),
            ("{\"a\" 1}", ExpectedColon, 1, 6),
            ("{\"a\":1 \"b\":2}", ExpectedCommaOrBrace, 1, 8),
            ("{\"a\":1]", ExpectedCommaOrBrace, 1, 7),
            ("[1 2]", ExpectedCommaOrBracket, 1, 4),
            ("[1}", ExpectedCommaOrBracket, 1, 3),
            ("{} x", TrailingCharacters, 1, 4),
            ("{}\n{}", TrailingCharacters, 2, 1),
            ("[1] // c", TrailingCharacters, 1, 5),
            ("trve", InvalidLiteral("true"), 1, 3),
            ("nul!", InvalidLiteral("null"), 1, 4),
            ("[falsy]", InvalidLiteral("false"), 1, 6),
            ("[True]", ExpectedValue, 1, 2),
            ("01", InvalidNumber, 1, 2),
            ("-01", InvalidNumber, 1, 3),
            ("[-a]", InvalidNumber, 1, 3),
            ("[1.e5]", InvalidNumber, 1, 4),
            ("[1e+]", InvalidNumber, 1, 5),
            ("[.5]", ExpectedValue, 1, 2),
            ("[+1]", ExpectedValue, 1, 2),
            ("[1.5.2]", ExpectedCommaOrBracket, 1, 5),
            ("\"a\\x\"", InvalidEscape, 1, 3),
            ("\"a\\U0041\"", InvalidEscape, 1, 3),
            ("\"\\u00g0\"", InvalidHexEscape, 1, 6),
            ("\"ab\\ud800\"", LoneSurrogate, 1, 4),
            ("\"\\udc00x\"", LoneSurrogate, 1, 2),
            ("\"\\ud800\\u0041\"", LoneSurrogate, 1, 2),
            ("\"\\ud800\\ud800\"", LoneSurrogate, 1, 2),
            ("\"\\ud800\\n\"", LoneSurrogate, 1, 2),
            ("\"ü\\ud800x\"", LoneSurrogate, 1, 3),
            ("\"a\nb\"", ControlCharacter(b'\n'), 1, 3),
            ("[\n\"é\tb\"]", ControlCharacter(b'\t'), 2, 3),
            ("\"\u{1F}\"", ControlCharacter(0x1F), 1, 2),
            ("[\"東京\", \"x\" \"y\"]", ExpectedCommaOrBracket, 1, 12),
        ];
        for (text, kind, line, column) in cases {
            let error = read(text).expect_err(text);
            assert_eq!(error.kind, *kind, "{text:?}: {error}");
            assert_eq!(position(text.as_bytes(), error.at), (*line, *column), "{text:?}: {error}");
        }
    }

    #[test]
    fn nesting_is_limited_in_read_and_skipped_values() {
        let deep = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
        assert!(read(&deep(MAX_DEPTH)).is_ok());
        let error = read(&deep(MAX_DEPTH + 1)).unwrap_err();
        assert_eq!((error.kind, error.at), (ErrorKind::TooDeep, MAX_DEPTH));
        let text = deep(100_000);
        let mut reader = Reader::new(&text);
        assert_eq!(reader.skip().unwrap_err().kind, ErrorKind::TooDeep);
        let mixed = format!("{}1{}", "{\"a\":[".repeat(63), "]}".repeat(63));
        assert!(read(&mixed).is_ok());
        let mixed = format!("{}1{}", "{\"a\":[".repeat(64), "]}".repeat(64));
        assert_eq!(read(&mixed).unwrap_err().kind, ErrorKind::TooDeep);
        // What an early end is inside of follows the open containers.
        assert_eq!(read("[{\"a\":[{").unwrap_err().kind, ErrorKind::Eof(Inside::Object));
        assert_eq!(read("[{\"a\":[{}").unwrap_err().kind, ErrorKind::Eof(Inside::Array));
        assert_eq!(read("[{\"a\":[{}]").unwrap_err().kind, ErrorKind::Eof(Inside::Object));
    }

    #[test]
    fn skipping_checks_what_reading_checks() {
        let texts = ["[1,{\"a\":[true,null,\"\\u00e9\"]}]", "[1,]", "{\"a\" 1}", "\"\\ud800\"", "[01]", "[\"\u{1}\"]", "{\"a\":tru}", "[\"x\\q\"]"];
        for text in texts {
            let mut reader = Reader::new(text);
            let skipped = reader.skip().and_then(|()| reader.end());
            assert_eq!(skipped, read(text).map(drop), "{text:?}");
        }
    }

    #[test]
    fn the_loader_steps_through_members() {
        let text = r#" { "x" : [ 1 , 2 ] , "y" : "z" } "#;
        let mut reader = Reader::new(text);
        reader.begin_object("an object").unwrap();
        let mut first = true;
        assert_eq!(reader.next_key(&mut first).unwrap().as_deref(), Some("x"));
        reader.begin_array("an array").unwrap();
        let mut first_element = true;
        let mut elements = 0;
        while reader.next_element(&mut first_element).unwrap() {
            reader.skip().unwrap();
            elements += 1;
        }
        assert_eq!(elements, 2);
        assert_eq!(reader.next_key(&mut first).unwrap().as_deref(), Some("y"));
        let error = reader.begin_array("a list of things").unwrap_err();
        assert_eq!(error.to_string(), "expected a list of things, found a string");
        assert_eq!(position(text.as_bytes(), error.at), (1, 28));
    }

    #[test]
    fn positions_count_characters_and_lines() {
        assert_eq!(position(b"", 0), (1, 1));
        assert_eq!(position("ab\ncd".as_bytes(), 4), (2, 2));
        assert_eq!(position("ü東\n😀x".as_bytes(), "ü東\n😀".len()), (2, 2));
        assert_eq!(position(b"a\r\nb", 3), (2, 1));
        assert_eq!(position(b"abc", 99), (1, 4));
    }
}
