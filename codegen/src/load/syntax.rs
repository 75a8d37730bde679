//! Syntax errors shown where they are: the line the parser stopped at, with a caret under the
//! column, and, when the mistake is probably earlier (an unclosed quote or bracket, a missing
//! `:` or `,`, a line indented unlike the one before), that line too.

use crate::error::{Error, Location};

pub(super) fn yaml_error(file: &str, text: &str, error: &serde_yaml::Error) -> Error {
    let full = error.to_string();
    let problem = without_position(&full);
    let line_col = error.location().map(|l| (l.line(), l.column()));
    let mut message = problem.clone();
    // Only the parser's own errors name a position in their text; the others (a duplicate key)
    // carry the start of the document, which would point at the wrong line.
    if let Some(location) = error.location().filter(|_| full.len() > problem.len()) {
        let noticed = Caret { line: location.line(), column: location.column(), label: String::new() };
        let carets = yaml_carets(text, &full, &problem, noticed, location.index() >= text.len());
        message.push('\n');
        message.push_str(&excerpt(text, &carets));
    }
    Error::Syntax { location: Box::new(Location { line_col, ..Location::new(file, "") }), format: "YAML", message }
}

pub(super) fn json_error(file: &str, text: &str, error: &serde_json::Error) -> Error {
    let problem = without_position(&error.to_string());
    if error.line() == 0 {
        return Error::Syntax { location: Box::new(Location::new(file, "")), format: "JSON", message: problem };
    }
    let noticed = json_position(text, error.line(), error.column());
    let line_col = Some((noticed.line, noticed.column));
    let carets = json_carets(text, &problem, noticed);
    let message = format!("{problem}\n{}", excerpt(text, &carets));
    Error::Syntax { location: Box::new(Location { line_col, ..Location::new(file, "") }), format: "JSON", message }
}

/// serde's messages end with " at line L column C" (libyaml's go on with what it was parsing);
/// the location and the excerpt say that.
fn without_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// A caret under a 1-based line and column (counted in characters), with what it marks.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Caret {
    line: usize,
    column: usize,
    label: String,
}

const NOTICED: &str = "the parser noticed the mistake here";
const NOTICED_AT_END: &str = "the parser noticed the mistake here, at the end of the file";

/// Where the YAML parser stopped (`noticed`, its label still empty) and where the mistake
/// probably is, when that is on an earlier line.
fn yaml_carets(text: &str, full: &str, problem: &str, mut noticed: Caret, at_end: bool) -> Vec<Caret> {
    let line = line_text(text, noticed.line);
    let before: String = line.chars().take(noticed.column.saturating_sub(1)).collect();
    let on_tab = line.chars().nth(noticed.column.saturating_sub(1)) == Some('\t');
    let in_plain_value = problem.starts_with("mapping values are not allowed");
    let value_began_on_this_line = before.contains(": ") || before.contains(":\t");
    noticed.label = if on_tab {
        "YAML does not allow tabs for indentation; indent with spaces".to_string()
    } else if in_plain_value && value_began_on_this_line {
        format!("{NOTICED}: a plain value cannot contain `: `; quote the value")
    } else if at_end {
        NOTICED_AT_END.to_string()
    } else {
        NOTICED.to_string()
    };
    // A tab, or a `: ` inside a value, is the mistake itself, where the parser stopped.
    if on_tab || (in_plain_value && value_began_on_this_line) {
        return vec![noticed];
    }
    let earlier = opened_by_context(full, &noticed).or_else(|| {
        let (number, previous) = previous_line(text, noticed.line)?;
        if let Some((column, opener)) = unclosed_on_line(previous) {
            let what = if opener == '"' || opener == '\'' { "quote".to_string() } else { format!("`{opener}`") };
            let label = format!("the mistake is probably here: this {what} is not closed on its line");
            return Some(Caret { line: number, column, label });
        }
        let label = if in_plain_value {
            "the mistake is probably here: the next line is read as the rest of this line's value; is a `:` \
             missing, or is the next line indented too deep?"
                .to_string()
        } else if at_end {
            "the mistake is probably on this line".to_string()
        } else if before.trim().is_empty() {
            if indent(previous) == indent(line) {
                "the mistake is probably on this line".to_string()
            } else {
                format!(
                    "the mistake is probably here or in how line {} is indented: the two do not line up",
                    noticed.line
                )
            }
        } else {
            return None;
        };
        Some(Caret { line: number, column: indent(previous) + 1, label })
    });
    earlier.into_iter().chain([noticed]).collect()
}

/// libyaml names what it was reading when it stopped and where that began: an unclosed bracket
/// or quote, or a key still waiting for its `:`, began at the mistake.
fn opened_by_context(full: &str, noticed: &Caret) -> Option<Caret> {
    let (what, at) = context(full)?;
    let (line, column) = at.filter(|&(line, _)| line < noticed.line)?;
    let label = match what {
        "parsing a flow sequence" => "this `[` is never closed, or a `,` is missing between its items",
        "parsing a flow mapping" => "this `{` is never closed, or a `,` is missing between its entries",
        "scanning a quoted scalar" => "this quote is never closed",
        "scanning a simple key" => "this key has no `:` after it",
        _ => return None,
    };
    Some(Caret { line, column, label: format!("the mistake is probably here: {label}") })
}

/// The quote, `[` or `{` a YAML line opens and does not close (the innermost), with its 1-based
/// column. A quote or bracket opens something only where a value starts (`'` in `it's` does
/// not); a comment ends the line.
fn unclosed_on_line(line: &str) -> Option<(usize, char)> {
    let chars: Vec<char> = line.chars().collect();
    let mut brackets: Vec<(usize, char)> = Vec::new();
    let mut quote: Option<(usize, char)> = None;
    // The last character outside quotes that is not a space: what a quote or bracket follows.
    let mut previous = ' ';
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some((_, '"')) if c == '\\' => i += 1,
            Some((_, '\'')) if c == '\'' && chars.get(i + 1) == Some(&'\'') => i += 1,
            Some((_, q)) if c == q => {
                quote = None;
                previous = c;
            }
            Some(_) => {}
            None => {
                let starts_value = matches!(previous, ' ' | ':' | '-' | '[' | '{' | ',' | '?');
                match c {
                    '#' if i == 0 || chars[i - 1].is_whitespace() => break,
                    '"' | '\'' if starts_value => quote = Some((i, c)),
                    '[' | '{' if starts_value => brackets.push((i, c)),
                    ']' | '}' => {
                        brackets.pop();
                    }
                    _ => {}
                }
                if !c.is_whitespace() {
                    previous = c;
                }
            }
        }
        i += 1;
    }
    quote.or(brackets.pop()).map(|(i, c)| (i + 1, c))
}

/// What libyaml was reading when it stopped (", while parsing a flow mapping at line 2 column 7"
/// in its message), and where that began when it is not where it stopped.
fn context(full: &str) -> Option<(&str, Option<(usize, usize)>)> {
    let (_, context) = full.split_once(", while ")?;
    let Some((what, at)) = context.split_once(" at line ") else {
        return Some((context, None));
    };
    let (line, column) = at.split_once(" column ")?;
    Some((what, Some((line.parse().ok()?, column.trim().parse().ok()?))))
}

/// The position serde_json reports (1-based line, 1-based column in bytes, 0 for the line
/// break that ends the line before) as a caret position in characters.
fn json_position(text: &str, line: usize, column: usize) -> Caret {
    let (line, byte_column) = match column {
        0 if line > 1 => (line - 1, line_text(text, line - 1).len() + 1),
        _ => (line, column.max(1)),
    };
    let text_line = line_text(text, line);
    let mut end = (byte_column - 1).min(text_line.len());
    while !text_line.is_char_boundary(end) {
        end -= 1;
    }
    Caret { line, column: text_line[..end].chars().count() + 1, label: String::new() }
}

/// Where the JSON parser stopped (`noticed`, its label still empty) and where the mistake
/// probably is, when that is earlier.
fn json_carets(text: &str, problem: &str, mut noticed: Caret) -> Vec<Caret> {
    let at_end = problem.starts_with("EOF while parsing");
    let line = line_text(text, noticed.line);
    // serde_json stops on the line break inside a string that was never closed.
    let string_runs_on = problem.starts_with("control character") && noticed.column > line.chars().count();
    noticed.label = if at_end {
        NOTICED_AT_END.to_string()
    } else if string_runs_on {
        format!("{NOTICED}: a string cannot span lines")
    } else {
        NOTICED.to_string()
    };
    let offset = offset_of(text, &noticed);
    let earlier = if at_end || string_runs_on {
        unclosed(&text[..offset]).map(|(offset, opener)| {
            let what = match opener {
                '"' => "this string is never closed".to_string(),
                bracket => format!("this `{bracket}` is never closed"),
            };
            caret_at(text, offset, format!("the mistake is probably here: {what}"))
        })
    } else if problem == "trailing comma" {
        let comma = text[..offset].trim_end().len().checked_sub(1).filter(|&i| text.as_bytes()[i] == b',');
        comma.map(|i| caret_at(text, i, "the mistake is probably here: no entry follows this `,`".to_string()))
    } else if problem.starts_with("expected `,` or") && line.chars().take(noticed.column - 1).all(char::is_whitespace) {
        let end = text[..offset].trim_end().len();
        Some(caret_at(text, end, "the mistake is probably here: a `,` is missing at the end of this line".to_string()))
    } else {
        None
    };
    earlier
        .filter(|caret| (caret.line, caret.column) < (noticed.line, noticed.column))
        .into_iter()
        .chain([noticed])
        .collect()
}

/// The innermost bracket, brace or string still open at the end of a JSON text: its byte
/// offset and its opening character.
fn unclosed(text: &str) -> Option<(usize, char)> {
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    in_string = false;
                    open.pop();
                }
                _ => {}
            }
            continue;
        }
        match c {
            '"' | '[' | '{' => {
                in_string = c == '"';
                open.push((i, c));
            }
            ']' | '}' => {
                open.pop();
            }
            _ => {}
        }
    }
    open.pop()
}

/// The caret at byte `offset` of `text`.
fn caret_at(text: &str, offset: usize, label: String) -> Caret {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Caret { line: before.matches('\n').count() + 1, column: before[line_start..].chars().count() + 1, label }
}

/// The byte offset of a caret (clamped to its line).
fn offset_of(text: &str, caret: &Caret) -> usize {
    let start: usize = text.split('\n').take(caret.line - 1).map(|l| l.len() + 1).sum();
    let line = line_text(text, caret.line);
    let within: usize = line.chars().take(caret.column - 1).map(char::len_utf8).sum();
    (start + within).min(text.len())
}

/// Line `number` (1-based) of `text` without its line break; empty past the end.
fn line_text(text: &str, number: usize) -> &str {
    let line = text.split('\n').nth(number.saturating_sub(1)).unwrap_or_default();
    line.strip_suffix('\r').unwrap_or(line)
}

/// The last line before line `number` that holds something other than a comment.
fn previous_line(text: &str, number: usize) -> Option<(usize, &str)> {
    (1..number).rev().map(|n| (n, line_text(text, n))).find(|(_, line)| {
        let content = line.trim();
        !content.is_empty() && !content.starts_with('#')
    })
}

/// How many spaces and tabs a line starts with.
fn indent(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ' || *c == '\t').count()
}

/// Lines are cut to this many characters around the caret: a minified JSON document is one line.
const SHOWN_WIDTH: usize = 100;

/// The lines the carets are on, each with its caret and label underneath, in the style of
/// rustc: a gutter of line numbers, `...` where lines are left out.
fn excerpt(text: &str, carets: &[Caret]) -> String {
    let width = carets.iter().map(|c| c.line).max().unwrap_or(0).to_string().len();
    let mut rows = Vec::new();
    for (i, caret) in carets.iter().enumerate() {
        if i > 0 && caret.line > carets[i - 1].line + 1 {
            rows.push("  ...".to_string());
        }
        let (shown, pad) = window(line_text(text, caret.line), caret.column);
        let number = caret.line;
        // Two carets on one line share it.
        if i == 0 || caret.line != carets[i - 1].line {
            rows.push(format!("  {number:>width$} | {shown}").trim_end().to_string());
        }
        rows.push(format!("  {:width$} | {pad}^ {}", "", caret.label));
    }
    rows.join("\n")
}

/// The part of `line` shown around 1-based character `column`, and the padding that puts a
/// caret under that column (tabs kept, so the caret lines up however tabs are shown).
fn window(line: &str, column: usize) -> (String, String) {
    let chars: Vec<char> = line.chars().collect();
    let at = column.saturating_sub(1).min(chars.len());
    let (start, end) = if chars.len() <= SHOWN_WIDTH {
        (0, chars.len())
    } else {
        let start = at.saturating_sub(SHOWN_WIDTH / 2).min(chars.len() - SHOWN_WIDTH);
        (start, start + SHOWN_WIDTH)
    };
    let mut shown = String::new();
    let mut pad = String::new();
    if start > 0 {
        shown.push_str("...");
        pad.push_str("   ");
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push_str("...");
    }
    pad.extend(chars[start..at].iter().map(|&c| if c == '\t' { '\t' } else { ' ' }));
    (shown, pad)
}

#[cfg(test)]
mod tests {
    use super::super::parse_document;

    /// The error `text` gets, against its expected lines.
    #[track_caller]
    fn says(file: &str, text: &str, expected: &[&str]) {
        let err = parse_document(file, text).unwrap_err().to_string();
        assert_eq!(err, expected.join("\n"), "\n{err}");
    }

    #[test]
    fn an_unclosed_bracket_or_brace_is_shown_where_it_opens() {
        says(
            "a.yaml",
            "openapi: 3.0.3\ninfo: {title: t\npaths: {}\n",
            &[
                "a.yaml:3:6: not valid YAML: did not find expected ',' or '}'",
                "  2 | info: {title: t",
                "    |       ^ the mistake is probably here: this `{` is never closed, or a `,` is missing between \
                 its entries",
                "  3 | paths: {}",
                "    |      ^ the parser noticed the mistake here",
            ],
        );
        says(
            "a.yaml",
            "a: 1\r\nb: [1, 2\r\nc: 3\r\n",
            &[
                "a.yaml:3:2: not valid YAML: did not find expected ',' or ']'",
                "  2 | b: [1, 2",
                "    |    ^ the mistake is probably here: this `[` is never closed, or a `,` is missing between its \
                 items",
                "  3 | c: 3",
                "    |  ^ the parser noticed the mistake here",
            ],
        );
        says(
            "a.yaml",
            "a: [\n",
            &[
                "a.yaml:2:1: not valid YAML: did not find expected node content",
                "  1 | a: [",
                "    |    ^ the mistake is probably here: this `[` is not closed on its line",
                "  2 |",
                "    | ^ the parser noticed the mistake here, at the end of the file",
            ],
        );
    }

    #[test]
    fn an_unclosed_quote_is_shown_where_it_opens() {
        says(
            "a.yaml",
            "openapi: 3.0.3\ninfo:\n  title: \"Broken\n  version: '1'\npaths: {}\n",
            &[
                "a.yaml:6:1: not valid YAML: found unexpected end of stream",
                "  3 |   title: \"Broken",
                "    |          ^ the mistake is probably here: this quote is never closed",
                "  ...",
                "  6 |",
                "    | ^ the parser noticed the mistake here, at the end of the file",
            ],
        );
        // libyaml reads the single-quoted value on to the next quote and only stops after it.
        says(
            "a.yaml",
            "openapi: 3.0.3\ninfo:\n  title: 'Broken\n  version: '1'\npaths: {}\n",
            &[
                "a.yaml:4:13: not valid YAML: did not find expected key",
                "  3 |   title: 'Broken",
                "    |          ^ the mistake is probably here: this quote is not closed on its line",
                "  4 |   version: '1'",
                "    |             ^ the parser noticed the mistake here",
            ],
        );
    }

    #[test]
    fn indentation_mistakes_show_both_lines() {
        says(
            "a.yaml",
            "openapi: 3.0.3\ninfo:\n\ttitle: t\n  version: '1'\n",
            &[
                "a.yaml:3:1: not valid YAML: found character that cannot start any token",
                "  3 | \ttitle: t",
                "    | ^ YAML does not allow tabs for indentation; indent with spaces",
            ],
        );
        says(
            "a.yaml",
            "openapi: 3.0.3\ninfo:\n    title: t\n\n  # the version\n  version: '1'\npaths: {}\n",
            &[
                "a.yaml:6:3: not valid YAML: did not find expected key",
                "  3 |     title: t",
                "    |     ^ the mistake is probably here or in how line 6 is indented: the two do not line up",
                "  ...",
                "  6 |   version: '1'",
                "    |   ^ the parser noticed the mistake here",
            ],
        );
        says(
            "a.yaml",
            "openapi: 3.0.3\ninfo:\n  title: t\n   version: '1'\npaths: {}\n",
            &[
                "a.yaml:4:11: not valid YAML: mapping values are not allowed in this context",
                "  3 |   title: t",
                "    |   ^ the mistake is probably here: the next line is read as the rest of this line's value; \
                 is a `:` missing, or is the next line indented too deep?",
                "  4 |    version: '1'",
                "    |           ^ the parser noticed the mistake here",
            ],
        );
    }

    #[test]
    fn a_missing_colon_is_shown_on_its_key() {
        says(
            "a.yaml",
            "openapi: 3.0.3\ninfo\n  title: t\npaths: {}\n",
            &[
                "a.yaml:3:8: not valid YAML: could not find expected ':'",
                "  2 | info",
                "    | ^ the mistake is probably here: this key has no `:` after it",
                "  3 |   title: t",
                "    |        ^ the parser noticed the mistake here",
            ],
        );
        says(
            "a.yaml",
            "info:\n  description: Note: this\n",
            &[
                "a.yaml:2:20: not valid YAML: mapping values are not allowed in this context",
                "  2 |   description: Note: this",
                "    |                    ^ the parser noticed the mistake here: a plain value cannot contain `: `; \
                 quote the value",
            ],
        );
    }

    #[test]
    fn errors_without_a_position_in_the_text_show_no_excerpt() {
        says(
            "a.yaml",
            "a: 1\nb: 2\na: 3\n",
            &["a.yaml:1:1: not valid YAML: duplicate key `a`; a mapping names each key once"],
        );
    }

    #[test]
    fn json_errors_show_the_line_and_where_the_mistake_probably_is() {
        says(
            "a.json",
            "{\n  \"openapi\": \"3.0.3\",\n  \"paths\": {},\n}\n",
            &[
                "a.json:4:1: not valid JSON: trailing comma",
                "  3 |   \"paths\": {},",
                "    |              ^ the mistake is probably here: no entry follows this `,`",
                "  4 | }",
                "    | ^ the parser noticed the mistake here",
            ],
        );
        says(
            "a.json",
            "{\n  \"a\": 1\n  \"b\": 2\n}\n",
            &[
                "a.json:3:3: not valid JSON: expected `,` or `}`",
                "  2 |   \"a\": 1",
                "    |         ^ the mistake is probably here: a `,` is missing at the end of this line",
                "  3 |   \"b\": 2",
                "    |   ^ the parser noticed the mistake here",
            ],
        );
        // serde_json says "line 3 column 0" for the line break that ends line 2.
        says(
            "a.json",
            "{\n  \"a\": \"x,\n  \"b\": 1\n}\n",
            &[
                "a.json:2:11: not valid JSON: control character (\\u0000-\\u001F) found while parsing a string",
                "  2 |   \"a\": \"x,",
                "    |        ^ the mistake is probably here: this string is never closed",
                "    |           ^ the parser noticed the mistake here: a string cannot span lines",
            ],
        );
        says(
            "a.json",
            "{\n  \"a\": [1, 2\n",
            &[
                "a.json:2:13: not valid JSON: EOF while parsing a list",
                "  2 |   \"a\": [1, 2",
                "    |        ^ the mistake is probably here: this `[` is never closed",
                "    |             ^ the parser noticed the mistake here, at the end of the file",
            ],
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let text = format!("{{\"é\": \"{}\", \"b\": 1 \"c\": \"{}\"}}", "x".repeat(200), "y".repeat(200));
        let shown = format!("...{}\", \"b\": 1 \"c\": \"{}...", "x".repeat(40), "y".repeat(44));
        says(
            "a.json",
            &text,
            &[
                "a.json:1:218: not valid JSON: expected `,` or `}`",
                &format!("  1 | {shown}"),
                &format!("    | {}^ the parser noticed the mistake here", " ".repeat(53)),
            ],
        );
    }
}
