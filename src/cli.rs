//! The command-line tool: the native face of the matching core.
//!
//! `match` prints one JSON object a line for each mention; `check` validates
//! a dictionary and lists every problem, or checks a compact index's bytes
//! against its checksums. Errors go to stderr; the exit
//! status is 0 on success, 1 when the input or dictionary is bad, 2 when the
//! command line is.

use std::borrow::Cow;
use std::io::{self, BufWriter, Read, Write};
use std::process::ExitCode;

use entity_highlighter::{write_index, CompactIndex, Dictionary, Limits, MatchOptions, Matcher, Mention};
use serde::Serialize;

const USAGE: &str = "\
usage:
  entity-highlighter match [--dict FILE] [--keep-diacritics] [--max-size BYTES] [FILE|-]
      Print each mention in FILE (or standard input) as a JSON line with
      entity, name, type, text, start and end (UTF-16 code units), and
      candidates when the mention is ambiguous. Without --dict, the bundled
      world-news dictionary.
  entity-highlighter match --index FILE [FILE|-]
      The same with a compact index (see `index`) instead of a dictionary.
  entity-highlighter check [--max-size BYTES] FILE
      Validate a dictionary; print every problem; exit 1 if there is any.
      Given a compact index, check every byte against its checksums.
  entity-highlighter index [--max-size BYTES] [--keep-diacritics] FILE -o OUT
      Write the compact index of a large dictionary: the browser and
      `match --index` select from it the few names each page can contain
      instead of compiling every name.
  entity-highlighter help";

enum Failure {
    Usage(String),
    Input(String),
}

pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("match") => run_match(&args[1..]),
        Some("check") => run_check(&args[1..]),
        Some("index") => run_index(&args[1..]),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(Failure::Usage(format!("unknown command \"{other}\""))),
        None => Err(Failure::Usage("no command given".into())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("entity-highlighter: {message}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Input(message)) => {
            eprintln!("entity-highlighter: {message}");
            ExitCode::from(1)
        }
    }
}

/// Options shared by the commands, parsed from the words after the command.
struct Options {
    dictionary: Option<String>,
    index: Option<String>,
    output: Option<String>,
    keep_diacritics: bool,
    limits: Limits,
    input: Option<String>,
}

fn parse_options(args: &[String], allow_dictionary: bool) -> Result<Options, Failure> {
    let mut options = Options { dictionary: None, index: None, output: None, keep_diacritics: false, limits: Limits::default(), input: None };
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--dict" if allow_dictionary => {
                let file = words.next().ok_or_else(|| Failure::Usage("--dict needs a file".into()))?;
                options.dictionary = Some(file.clone());
            }
            "--index" if allow_dictionary => {
                let file = words.next().ok_or_else(|| Failure::Usage("--index needs a file".into()))?;
                options.index = Some(file.clone());
            }
            "-o" | "--output" => {
                let file = words.next().ok_or_else(|| Failure::Usage("-o needs a file".into()))?;
                options.output = Some(file.clone());
            }
            "--keep-diacritics" => options.keep_diacritics = true,
            "--max-size" => {
                let size = words.next().ok_or_else(|| Failure::Usage("--max-size needs a number of bytes".into()))?;
                options.limits.max_bytes = size.parse().map_err(|_| Failure::Usage(format!("--max-size: \"{size}\" is not a number of bytes")))?;
            }
            "-" => set_input(&mut options, word)?,
            flag if flag.starts_with('-') => return Err(Failure::Usage(format!("unknown option \"{flag}\""))),
            _ => set_input(&mut options, word)?,
        }
    }
    Ok(options)
}

fn set_input(options: &mut Options, word: &str) -> Result<(), Failure> {
    if options.input.is_some() {
        return Err(Failure::Usage(format!("more than one input file (\"{word}\")")));
    }
    options.input = Some(word.to_owned());
    Ok(())
}

fn read_bytes(path: &str) -> Result<Vec<u8>, Failure> {
    if path == "-" {
        let mut bytes = Vec::new();
        io::stdin().read_to_end(&mut bytes).map_err(|error| Failure::Input(format!("cannot read standard input: {error}")))?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(|error| Failure::Input(format!("cannot read \"{path}\": {error}")))
}

/// Reads a dictionary file, refusing one over the size limit before reading
/// it, so that a huge file costs neither the time nor the memory to load.
fn read_dictionary_bytes(path: &str, limits: &Limits) -> Result<Vec<u8>, Failure> {
    let refused = |error| Failure::Input(format!("{path}: {error}"));
    if path != "-" {
        if let Ok(metadata) = std::fs::metadata(path) {
            if metadata.is_file() {
                limits.check_size(usize::try_from(metadata.len()).unwrap_or(usize::MAX)).map_err(refused)?;
            }
        }
    }
    // Pipes and special files have no size to check first: read at most one
    // byte over the limit.
    let mut bytes = Vec::new();
    let reader: Box<dyn Read> = if path == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(std::fs::File::open(path).map_err(|error| Failure::Input(format!("cannot read \"{path}\": {error}")))?)
    };
    let cap = u64::try_from(limits.max_bytes).unwrap_or(u64::MAX).saturating_add(1);
    reader.take(cap).read_to_end(&mut bytes).map_err(|error| Failure::Input(format!("cannot read \"{path}\": {error}")))?;
    if bytes.len() > limits.max_bytes {
        return Err(Failure::Input(format!(
            "{path}: the dictionary was refused: it is more than {} bytes, the limit; raise it with --max-size",
            limits.max_bytes
        )));
    }
    Ok(bytes)
}

fn load_dictionary(path: &str, limits: &Limits) -> Result<Dictionary, Failure> {
    let bytes = read_dictionary_bytes(path, limits)?;
    Dictionary::from_bytes(&bytes, limits).map_err(|error| Failure::Input(format!("{path}: {error}")))
}

#[derive(Serialize)]
struct Candidate<'a> {
    entity: &'a str,
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
}

#[derive(Serialize)]
struct Line<'a> {
    entity: &'a str,
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    text: &'a str,
    start: usize,
    end: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    candidates: Option<Vec<Candidate<'a>>>,
}

/// The entities a `match` run reports, from a dictionary or an index.
// One value per run: the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
enum Source {
    Dictionary(Dictionary),
    Index(CompactIndex),
}

impl Source {
    /// An entity's id (computed in an index, where ids are compressed),
    /// name and type.
    fn entity(&self, index: usize) -> Option<(Cow<'_, str>, &str, &str)> {
        match self {
            Source::Dictionary(dictionary) => dictionary.entity(index).map(|e| (Cow::Borrowed(e.id.as_str()), e.name.as_str(), e.kind.as_str())),
            Source::Index(compact) => compact.entity(index).map(|e| (e.id, e.name, e.kind)),
        }
    }
}

fn run_match(args: &[String]) -> Result<(), Failure> {
    let options = parse_options(args, true)?;
    if options.dictionary.is_some() && options.index.is_some() {
        return Err(Failure::Usage("give --dict or --index, not both".into()));
    }
    let input = options.input.as_deref().unwrap_or("-");
    if let Some(path) = &options.index {
        let compact = CompactIndex::from_bytes(read_bytes(path)?).map_err(|error| Failure::Input(format!("{path}: {error}")))?;
        let text = read_text(input)?;
        let page = compact.matcher_for(&text).map_err(|error| Failure::Input(format!("{path}: {error}")))?;
        let mentions = page.find();
        return print_mentions(&Source::Index(compact), &text, &mentions);
    }
    let dictionary = match &options.dictionary {
        Some(path) => load_dictionary(path, &options.limits)?,
        None => Dictionary::bundled(),
    };
    let matcher = Matcher::new(&dictionary, MatchOptions { fold_diacritics: !options.keep_diacritics }).map_err(|error| Failure::Input(error.to_string()))?;
    let text = read_text(input)?;
    let mentions = matcher.try_find(&text).map_err(|error| Failure::Input(format!("{input}: {error}")))?;
    print_mentions(&Source::Dictionary(dictionary), &text, &mentions)
}

fn read_text(input: &str) -> Result<String, Failure> {
    let bytes = read_bytes(input)?;
    String::from_utf8(bytes).map_err(|error| {
        let at = error.utf8_error().valid_up_to();
        let line = error.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
        Failure::Input(format!("{input}: not valid UTF-8 at byte {at} (line {line}); convert the text to UTF-8 first"))
    })
}

fn print_mentions(source: &Source, text: &str, mentions: &[Mention]) -> Result<(), Failure> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for mention in mentions {
        let entities: Vec<_> = mention.entities.iter().filter_map(|&index| source.entity(index)).collect();
        let Some((id, name, kind)) = entities.first() else { continue };
        let candidates = (entities.len() > 1).then(|| entities.iter().map(|(entity, name, kind)| Candidate { entity, name, kind }).collect());
        let line = Line { entity: id, name, kind, text: mention.text(text), start: mention.start, end: mention.end, candidates };
        let written = serde_json::to_writer(&mut out, &line).map_err(io::Error::from).and_then(|()| out.write_all(b"\n"));
        if let Err(error) = written {
            return write_failed(error);
        }
    }
    out.flush().or_else(write_failed)
}

/// A closed pipe (`| head`) is the reader's choice, not an error.
fn write_failed(error: io::Error) -> Result<(), Failure> {
    if error.kind() == io::ErrorKind::BrokenPipe {
        return Ok(());
    }
    Err(Failure::Input(format!("cannot write the output: {error}")))
}

fn run_check(args: &[String]) -> Result<(), Failure> {
    let options = parse_options(args, false)?;
    let path = options.input.ok_or_else(|| Failure::Usage("check needs a dictionary file".into()))?;
    // A file on disk that starts as an index is read whole, whatever its
    // size, as `match --index` reads one; standard input is read up to the
    // dictionary limit and told apart by the same first bytes.
    let bytes = if path != "-" && starts_as_index(&path) { read_bytes(&path)? } else { read_dictionary_bytes(&path, &options.limits)? };
    if CompactIndex::starts_as_index(&bytes) {
        let compact = CompactIndex::from_bytes(bytes).and_then(|compact| compact.verify().map(|()| compact));
        let compact = compact.map_err(|error| Failure::Input(format!("{path}: {error}")))?;
        let checked = if compact.has_checksums() { "its checksums match" } else { "format 7, without checksums to check (write it again to get them)" };
        println!("{path}: ok, a compact index of {} entities, {} names; {checked}", compact.entity_count(), compact.name_count());
        return Ok(());
    }
    match Dictionary::from_bytes(&bytes, &options.limits) {
        Ok(dictionary) => {
            let names: usize = dictionary.entities().iter().map(|e| e.names.len()).sum();
            println!("{path}: ok, {} entities, {names} names", dictionary.entities().len());
            Ok(())
        }
        Err(error) => Err(Failure::Input(format!("{path}: {error}"))),
    }
}

/// Whether the file at `path` starts as a compact index does.
fn starts_as_index(path: &str) -> bool {
    let mut start = [0u8; 4];
    std::fs::File::open(path).and_then(|mut file| file.read_exact(&mut start)).is_ok() && CompactIndex::starts_as_index(&start)
}

fn run_index(args: &[String]) -> Result<(), Failure> {
    let options = parse_options(args, false)?;
    let path = options.input.ok_or_else(|| Failure::Usage("index needs a dictionary file".into()))?;
    let output = options.output.ok_or_else(|| Failure::Usage("index needs -o OUT".into()))?;
    let dictionary = load_dictionary(&path, &options.limits)?;
    let bytes = write_index(&dictionary, MatchOptions { fold_diacritics: !options.keep_diacritics }).map_err(|error| Failure::Input(format!("{path}: {error}")))?;
    std::fs::write(&output, &bytes).map_err(|error| Failure::Input(format!("cannot write \"{output}\": {error}")))?;
    let names: usize = dictionary.entities().iter().map(|e| e.names.len()).sum();
    eprintln!("{output}: {} entities, {names} names, {} bytes", dictionary.entities().len(), bytes.len());
    Ok(())
}
