//! Spec prose into rustdoc that `cargo doc -D warnings` accepts, `cargo clippy -D warnings`
//! passes and `cargo test` does not run.
//!
//! Descriptions are CommonMark written for a docs site, not for rustdoc: bare URLs warn, `[x]`
//! reads as a broken intra-doc link, `<T>` as an unclosed HTML tag, and an unlabelled or indented
//! code block would be compiled as a doctest. Each is neutralised here, line by line.
//!
//! Clippy's default lints also read the layout of the Markdown, so [`sanitize`] settles it:
//! - tabs become spaces (`tabs_in_doc_comments`), to the next multiple of four columns;
//! - a line that continues a list item's paragraph is indented exactly to the item's content
//!   column, neither less (`doc_lazy_continuation`) nor more (`doc_overindented_list_items`);
//!   nested items start at their parent's content column, so that column is well defined;
//! - a line that lazily continues a block quote's paragraph gets the quote's `>` markers
//!   (`doc_lazy_continuation` again).
//!
//! Each rewrite keeps what CommonMark renders: a continuation line belongs to the paragraph it
//! continues whatever its indentation, and a line that cannot continue it (a heading, a fence, a
//! thematic break, an item that may interrupt the paragraph) closes the items it is not inside.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::Paths;
use crate::model::{Api, ResponseBody, TypeRef};

/// `#[doc]` attributes, one per line, for the given paragraphs (empty ones are skipped).
pub fn doc_attrs<'a>(paragraphs: impl IntoIterator<Item = Option<&'a str>>) -> TokenStream {
    lines_to_attrs(&doc_text(paragraphs), false)
}

/// The docs [`doc_attrs`] writes, as text: the paragraphs (empty ones skipped), sanitized.
pub fn doc_text<'a>(paragraphs: impl IntoIterator<Item = Option<&'a str>>) -> String {
    let text =
        paragraphs.into_iter().flatten().map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n");
    sanitize(&text)
}

/// `#![doc]` attributes, for module docs written by the generator (spec prose in them must
/// already have been through [`sanitize`]).
pub fn inner_doc_attrs(text: &str) -> TokenStream {
    lines_to_attrs(text, true)
}

/// `#[doc]` attributes for text the generator wrote, which may hold intra-doc links.
pub fn own_doc_attrs(text: &str) -> TokenStream {
    lines_to_attrs(text, false)
}

fn lines_to_attrs(text: &str, inner: bool) -> TokenStream {
    text.lines()
        .map(|line| {
            let line = if line.is_empty() { String::new() } else { format!(" {line}") };
            let line = doc_literal(&line);
            if inner { quote!(#![doc = #line]) } else { quote!(#[doc = #line]) }
        })
        .collect()
}

/// One line of docs as a string literal, raw where it can be: prettyplease prints a `#[doc]`
/// attribute as `///` from the literal's value, which a quoted literal gives by unescaping it
/// character by character (and `quote` escaped it so first); a raw literal's value is its text.
/// The two print the same comment. A line with a carriage return (which a raw literal may not
/// hold) is quoted.
fn doc_literal(line: &str) -> proc_macro2::Literal {
    if line.contains('\r') {
        return proc_macro2::Literal::string(line);
    }
    // Enough `#` that no `"` in the line closes the literal early.
    let hashes = line
        .match_indices('"')
        .map(|(at, _)| line[at + 1..].bytes().take_while(|&b| b == b'#').count() + 1)
        .max()
        .unwrap_or(0);
    let fence = "#".repeat(hashes);
    format!("r{fence}\"{line}\"{fence}").parse().unwrap_or_else(|_| proc_macro2::Literal::string(line))
}

/// Makes markdown safe for rustdoc and clippy; see the module docs.
pub fn sanitize(text: &str) -> String {
    let mut layout = Layout::default();
    // A lone carriage return ends a line too (old Mac text); left in, rustc refuses the comment.
    for line in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        layout.line(&expand_tabs(line));
    }
    layout.finish()
}

/// [`sanitize`]d text on one line (a heading, a table cell).
pub fn one_line(text: &str) -> String {
    sanitize(text).replace('\n', " ")
}

/// The module docs' list of the API's webhooks (requests its vendor sends to the user's server),
/// with the types of their payloads and answers; empty without webhooks.
pub(super) fn webhook_docs(api: &Api) -> String {
    if api.webhooks.is_empty() {
        return String::new();
    }
    // A generated type is linked; a replaced one (`[replace-types]`) is not in `types`: its path
    // as the settings write it.
    let type_text = |ty: &TypeRef| match ty {
        TypeRef::Named(id) => match &api.type_def(*id).replacement {
            Some(path) => format!("`{path}`"),
            None => format!("[`{0}`](types::{0})", api.type_def(*id).name),
        },
        other => format!("`{}`", Paths::outside().type_of(api, other).to_string().replace(' ', "")),
    };
    let mut docs = String::from(
        "\n\n# Webhooks\n\nRequests this API sends to your server; their payloads and answers are types of \
         this module, and no client function calls them:\n",
    );
    for hook in &api.webhooks {
        docs.push_str(&format!("\n- `{}` (`{}`)", hook.name, hook.method.as_str()));
        if let Some(summary) = &hook.summary {
            docs.push_str(&format!(": {}", sanitize(summary)));
        }
        if let Some(payload) = &hook.payload {
            docs.push_str(&format!(". Payload: {}", type_text(payload)));
        }
        let answers: Vec<String> = hook
            .responses
            .iter()
            .filter_map(|case| match &case.body {
                ResponseBody::Json(ty) => Some(format!("{} {}", case.status, type_text(ty))),
                _ => None,
            })
            .collect();
        if !answers.is_empty() {
            docs.push_str(&format!(". Answers: {}", answers.join(", ")));
        }
        docs.push('.');
    }
    docs
}

/// The block structure seen so far, as much of it as the rewrites need.
#[derive(Default)]
struct Layout {
    out: Vec<String>,
    /// The open fenced code block.
    fence: Option<Fence>,
    /// The list items the next line may belong to, outermost first.
    items: Vec<Item>,
    /// The previous line was blank.
    blank: bool,
    /// The previous line was paragraph text, which the next line may continue.
    paragraph: bool,
    /// The quote depth and written `>` markers of the previous line, when it was quoted
    /// paragraph text.
    quote: Option<(usize, String)>,
}

struct Fence {
    /// The backticks or tildes that opened it, written back as they came.
    run: String,
    /// How many `>` quote it; a line with fewer ends the quote and so the block.
    depth: usize,
    /// What the opening line was written with before the fence.
    prefix: String,
}

struct Item {
    /// The column of the item's content in the input: a line indented this far belongs to it.
    content: usize,
    /// The same column as written.
    written: usize,
    /// `-`, `+` or `*`, or the `.` or `)` of a numbered item: a new item continues the list
    /// only with the same one.
    kind: char,
}

impl Layout {
    fn line(&mut self, line: &str) {
        if self.fence.is_some() && self.fenced_line(line) {
            return;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = &line[indent..];
        if rest.trim_end().is_empty() {
            self.out.push(String::new());
            self.blank = true;
            self.paragraph = false;
            self.quote = None;
            return;
        }
        let (depth, body) = quote_markers(rest);
        let body = body.trim_start_matches(' ');
        if let Some((quote_depth, prefix)) = &self.quote
            && depth < *quote_depth
            && !body.is_empty()
            && !starts_block(body)
            && !list_marker(body).is_some_and(|marker| marker.may_interrupt())
        {
            // A lazy continuation of a quoted paragraph: give it the quote's markers.
            let line = format!("{prefix}{}", escape_inline(body.trim_end(), true));
            self.out.push(line);
            self.blank = false;
            return;
        }
        // How many of the open items the line is indented into.
        let inside = self.items.iter().take_while(|item| item.content <= indent).count();
        if depth > 0 {
            self.items.truncate(inside);
            self.quoted_line(indent, depth, body);
        } else if let Some((run, info)) = fence_open(rest) {
            self.items.clear();
            self.out.push(format!("{run}{}", fence_label(info)));
            self.fence = Some(Fence { run: run.to_string(), depth: 0, prefix: String::new() });
            self.blank = false;
            self.paragraph = false;
            self.quote = None;
        } else if !self.list_item(indent, rest, inside) {
            self.text_line(indent, rest, inside);
        }
    }

    /// Handles a line inside a fenced code block; false when the line ends the block by leaving
    /// the quote it was in, and must be read again as prose.
    fn fenced_line(&mut self, line: &str) -> bool {
        let Some(fence) = &self.fence else { return false };
        let (depth, body) = strip_quote_markers(line, fence.depth);
        if depth < fence.depth {
            self.out.push(format!("{}{}", fence.prefix, fence.run));
            self.fence = None;
            return false;
        }
        let trimmed = body.trim();
        let fence_char = fence.run.chars().next().unwrap_or('`');
        if trimmed.len() >= fence.run.len() && trimmed.chars().all(|c| c == fence_char) {
            self.out.push(format!("{}{}", fence.prefix, fence.run));
            self.fence = None;
        } else {
            self.out.push(line.to_string());
        }
        self.blank = false;
        true
    }

    fn quoted_line(&mut self, indent: usize, depth: usize, body: &str) {
        let at = self.items.last().map_or(indent.min(3), |item| item.written);
        let prefix = format!("{}{}", " ".repeat(at), "> ".repeat(depth));
        self.blank = false;
        self.paragraph = false;
        self.quote = None;
        if body.trim_end().is_empty() {
            self.out.push(prefix.trim_end().to_string());
        } else if let Some((run, info)) = fence_open(body) {
            self.out.push(format!("{prefix}{run}{}", fence_label(info)));
            self.fence = Some(Fence { run: run.to_string(), depth, prefix });
        } else {
            self.out.push(format!("{prefix}{}", escape_inline(body.trim_end(), true)));
            self.paragraph = !starts_block(body);
            self.quote = self.paragraph.then_some((depth, prefix));
        }
    }

    /// Writes a list item line (several items when one starts inside the other); false when the
    /// line is no list item, or one that cannot interrupt the paragraph it follows.
    fn list_item(&mut self, indent: usize, rest: &str, inside: usize) -> bool {
        let Some(marker) = list_marker(rest) else { return false };
        let sibling = self.items.get(inside).is_some_and(|item| item.kind == marker.kind);
        if self.paragraph && !self.blank && !sibling && !marker.may_interrupt() {
            return false;
        }
        self.items.truncate(inside);
        let mut written = self.items.last().map_or(indent.min(3), |item| item.written);
        let mut column = indent;
        let mut line = " ".repeat(written);
        let mut marker = marker;
        loop {
            // More than four spaces after the marker start an indented code block in the item:
            // one space is the marker's, the rest would make a doctest.
            let gap = if marker.content.is_empty() || marker.spaces > 4 { 1 } else { marker.spaces };
            column += marker.text.len() + gap;
            written += marker.text.len() + gap;
            self.items.push(Item { content: column, written, kind: marker.kind });
            line.push_str(marker.text);
            if marker.content.is_empty() {
                break;
            }
            line.push_str(&" ".repeat(gap));
            match list_marker(marker.content) {
                Some(inner) if !inner.content.is_empty() => marker = inner,
                _ => {
                    line.push_str(&escape_inline(marker.content, true));
                    break;
                }
            }
        }
        self.paragraph = !marker.content.is_empty() && !starts_block(marker.content);
        self.out.push(line);
        self.blank = false;
        self.quote = None;
        true
    }

    fn text_line(&mut self, indent: usize, rest: &str, inside: usize) {
        let continues = self.paragraph && !self.blank && !starts_block(rest);
        if !continues {
            self.items.truncate(inside);
        }
        let lazy = continues && inside < self.items.len();
        let at = self.items.last().map_or(indent.min(3), |item| item.written);
        let mut line = " ".repeat(at);
        if lazy && rest.trim_end().chars().all(|c| c == '=') {
            // Moved into the item, `===` would underline the paragraph as a heading.
            line.push('\\');
        }
        line.push_str(&escape_inline(rest.trim_end(), true));
        self.out.push(line);
        self.paragraph = !starts_block(rest);
        self.blank = false;
        self.quote = None;
    }

    fn finish(mut self) -> String {
        if let Some(fence) = self.fence.take() {
            self.out.push(format!("{}{}", fence.prefix, fence.run));
        }
        while self.out.last().is_some_and(|l| l.is_empty()) {
            self.out.pop();
        }
        self.out.join("\n")
    }
}

/// Tabs to spaces, with stops every four columns as CommonMark counts them.
fn expand_tabs(line: &str) -> String {
    if !line.contains('\t') {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let width = 4 - column % 4;
            out.push_str(&"    "[..width]);
            column += width;
        } else {
            out.push(c);
            column += 1;
        }
    }
    out
}

/// The number of `>` markers opening a line (each after at most three spaces, with one space
/// after it taken too) and the rest of the line.
fn quote_markers(line: &str) -> (usize, &str) {
    strip_quote_markers(line, usize::MAX)
}

fn strip_quote_markers(line: &str, max: usize) -> (usize, &str) {
    let mut depth = 0;
    let mut rest = line;
    while depth < max {
        let trimmed = rest.trim_start_matches(' ');
        let Some(after) = trimmed.strip_prefix('>').filter(|_| rest.len() - trimmed.len() <= 3) else { break };
        rest = after.strip_prefix(' ').unwrap_or(after);
        depth += 1;
    }
    (depth, rest)
}

/// A list marker opening a line.
struct Marker<'a> {
    /// `-`, `*`, `+`, `1.` or `1)`.
    text: &'a str,
    kind: char,
    number: Option<u64>,
    /// Spaces between the marker and the content.
    spaces: usize,
    /// The content, without its trailing spaces.
    content: &'a str,
}

impl Marker<'_> {
    /// CommonMark lets only a non-empty bullet or an item numbered 1 start a list right after
    /// paragraph text (otherwise `2024. was a year` on the next line would start one).
    fn may_interrupt(&self) -> bool {
        !self.content.is_empty() && self.number.is_none_or(|n| n == 1)
    }
}

fn list_marker(line: &str) -> Option<Marker<'_>> {
    if thematic_break(line) {
        return None;
    }
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let (len, number) = match line.chars().next()? {
        '-' | '*' | '+' => (1, None),
        _ if (1..=9).contains(&digits) && line[digits..].starts_with(['.', ')']) => {
            (digits + 1, line[..digits].parse().ok())
        }
        _ => return None,
    };
    let after = &line[len..];
    if !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    let content = after.trim_start_matches(' ');
    Some(Marker {
        text: &line[..len],
        kind: line[..len].chars().last()?,
        number,
        spaces: after.len() - content.len(),
        content: content.trim_end(),
    })
}

/// Whether a line (without its indentation) starts a block that no paragraph continues into.
fn starts_block(line: &str) -> bool {
    let hashes = line.len() - line.trim_start_matches('#').len();
    let heading = (1..=6).contains(&hashes) && (line.len() == hashes || line[hashes..].starts_with(' '));
    heading || thematic_break(line) || fence_open(line).is_some() || line.starts_with('>')
}

/// `***`, `- - -`, `___`...
fn thematic_break(line: &str) -> bool {
    let mut chars = line.chars().filter(|c| !c.is_whitespace());
    let Some(first) = chars.next().filter(|c| matches!(c, '-' | '*' | '_')) else { return false };
    let mut count = 1;
    for c in chars {
        if c != first {
            return false;
        }
        count += 1;
    }
    count >= 3
}

/// The run of backticks or tildes and the info string of an opening code fence.
fn fence_open(line: &str) -> Option<(&str, &str)> {
    let fence_char = line.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let run = line.len() - line.trim_start_matches(fence_char).len();
    let info = line[run..].trim();
    // "```x```" on one line is a code span, not a fence.
    (run >= 3 && !(fence_char == '`' && info.contains('`'))).then(|| (&line[..run], info))
}

/// The info string to write: rustdoc compiles unlabelled and Rust blocks as doctests, and
/// everything here is an example in some other language, or pseudo-code.
fn fence_label(info: &str) -> &str {
    const DOCTEST_WORDS: &[&str] =
        &["rust", "ignore", "no_run", "should_panic", "compile_fail", "test_harness", "standalone_crate"];
    let doctest = info
        .split([',', ' ', '\t'])
        .filter(|word| !word.is_empty())
        .all(|word| DOCTEST_WORDS.contains(&word) || word.starts_with("edition"));
    if doctest || info.starts_with("rust") { "text" } else { info }
}

/// Escapes one line outside code blocks: brackets, angle brackets, and bare URLs (made
/// autolinks when `autolink`, which link labels are not).
fn escape_inline(line: &str, autolink: bool) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    let mut in_code = false;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            rest = &rest[1..];
            continue;
        }
        if !in_code {
            if c == '\\'
                && let Some(escaped) = rest[1..].chars().next().filter(char::is_ascii_punctuation)
            {
                // Already escaped: `\[` is a bracket, not the start of a link.
                out.push(c);
                out.push(escaped);
                rest = &rest[2..];
                continue;
            }
            if let Some((label_end, len)) = markdown_link_at(rest) {
                out.push('[');
                out.push_str(&escape_inline(&rest[1..label_end], false));
                out.push_str(&rest[label_end..len]);
                rest = &rest[len..];
                continue;
            }
            if let Some(len) = autolink_at(rest) {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
            if let Some(url_len) = url_at(rest).filter(|_| autolink) {
                let url = rest[..url_len].trim_end_matches(['.', ',', ';', ':', ')', '\'', '"']);
                out.push('<');
                out.push_str(url);
                out.push('>');
                rest = &rest[url.len()..];
                continue;
            }
            match c {
                '[' | ']' => {
                    out.push('\\');
                    out.push(c);
                }
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                _ => out.push(c),
            }
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Where the label of a `[text](http...)` link starting here ends, and the link's length, if
/// one does: rustdoc renders those.
fn markdown_link_at(text: &str) -> Option<(usize, usize)> {
    let label = text.strip_prefix('[')?;
    let mut depth = 0usize;
    let mut close = None;
    let mut chars = label.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' => depth += 1,
            ']' if depth == 0 => {
                close = Some(i + 1);
                break;
            }
            ']' => depth -= 1,
            _ => {}
        }
    }
    let close = close?;
    let target = text[close + 1..].strip_prefix('(')?;
    url_at(target)?;
    let end = target.find(')')?;
    Some((close, close + 2 + end + 1))
}

/// The length of a `<http...>` autolink starting here, if one does.
fn autolink_at(text: &str) -> Option<usize> {
    let inner = text.strip_prefix('<')?;
    url_at(inner)?;
    Some(inner.find('>')? + 2)
}

/// The length of a URL starting here, if one does.
fn url_at(text: &str) -> Option<usize> {
    if !(text.starts_with("http://") || text.starts_with("https://")) {
        return None;
    }
    Some(text.find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '`').unwrap_or(text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_lines_are_raw_literals_holding_the_line_as_it_is() {
        let value =
            |literal: &proc_macro2::Literal| syn::parse_str::<syn::LitStr>(&literal.to_string()).unwrap().value();
        for line in [
            " plain",
            " a \"quote\" and \\ a backslash",
            " \"# closes a raw string",
            " \"## twice",
            "",
            " tab\there",
            " ends in \"",
        ] {
            let literal = doc_literal(line);
            assert!(literal.to_string().starts_with('r'), "{literal} is raw");
            assert_eq!(value(&literal), line);
        }
        // A raw literal holds no carriage return, nor more than 255 `#` after a quote.
        for line in [" a\rb".to_string(), format!(" \"{}", "#".repeat(255))] {
            let literal = doc_literal(&line);
            assert!(literal.to_string().starts_with('"'), "quoted: {literal}");
            assert_eq!(value(&literal), line);
        }
    }

    #[test]
    fn a_raw_doc_literal_prints_the_comment_a_quoted_one_prints() {
        let print =
            |attr: proc_macro2::TokenStream| prettyplease::unparse(&syn::parse2(quote!(#attr pub struct S;)).unwrap());
        for line in [" plain", " a \"quote\" \\ and `code`", " \"# hash", ""] {
            let raw = doc_literal(line);
            let quoted = proc_macro2::Literal::string(line);
            assert_eq!(print(quote!(#[doc = #raw])), print(quote!(#[doc = #quoted])));
        }
    }

    #[test]
    fn urls_become_autolinks_and_brackets_are_escaped() {
        assert_eq!(
            sanitize("See https://docs.example.com/a, or [the guide]. List<T> too."),
            "See <https://docs.example.com/a>, or \\[the guide\\]. List&lt;T&gt; too."
        );
    }

    #[test]
    fn links_already_written_as_links_are_kept() {
        let text = "Read [the docs](https://x.dev/a) or <https://y.dev>.";
        assert_eq!(sanitize(text), text);
    }

    #[test]
    fn code_stays_as_written() {
        assert_eq!(sanitize("Use `a[0] <b>` here"), "Use `a[0] <b>` here");
        assert_eq!(sanitize("```\nlet x = [1];\n```"), "```text\nlet x = [1];\n```");
        assert_eq!(sanitize("```json\n{}\n```"), "```json\n{}\n```");
        assert_eq!(sanitize("```\nnever closed"), "```text\nnever closed\n```");
    }

    #[test]
    fn indented_lines_cannot_become_doctests() {
        assert_eq!(sanitize("Example:\n\n        curl x\n  - item"), "Example:\n\n   curl x\n  - item");
        // Nor inside a list item, nor after a marker, nor in a quote.
        assert_eq!(sanitize("- a\n\n          code"), "- a\n\n  code");
        assert_eq!(sanitize("-      code"), "- code");
        assert_eq!(sanitize(">       code"), "> code");
    }

    #[test]
    fn wrapped_list_items_continue_at_the_content_column() {
        // Lazy (less indented) and over-indented continuations alike.
        assert_eq!(
            sanitize("Modes:\n- `a`: the first mode,\nwrapped here\n- `b`: the second,\n      wrapped deeper"),
            "Modes:\n- `a`: the first mode,\n  wrapped here\n- `b`: the second,\n  wrapped deeper"
        );
        assert_eq!(sanitize("* one\n  two\n*   three\nfour"), "* one\n  two\n*   three\n    four");
        assert_eq!(sanitize("1. first\nwrapped\n10. tenth\n wrapped"), "1. first\n   wrapped\n10. tenth\n    wrapped");
        assert_eq!(sanitize("1) first\nwrapped"), "1) first\n   wrapped");
    }

    #[test]
    fn nested_items_start_at_their_parents_content_column() {
        assert_eq!(
            sanitize("- a\n   - b\nlazy b\n     - c\n       c too\n- d"),
            "- a\n  - b\n    lazy b\n    - c\n      c too\n- d"
        );
        assert_eq!(sanitize("- - both\nlazy"), "- - both\n    lazy");
    }

    #[test]
    fn lines_that_cannot_continue_a_paragraph_close_the_list() {
        assert_eq!(sanitize("- a\n# Heading\ntext\n- b\n---\ntext"), "- a\n# Heading\ntext\n- b\n---\ntext");
        assert_eq!(sanitize("- a\n\nafter the list"), "- a\n\nafter the list");
        assert_eq!(sanitize("- a\n\n  more of a\nstill a"), "- a\n\n  more of a\n  still a");
        assert_eq!(sanitize("- a\n```\ncode\n```\ntext"), "- a\n```text\ncode\n```\ntext");
    }

    #[test]
    fn only_items_commonmark_lets_interrupt_a_paragraph_start_one() {
        // `2024.` and `2.` cannot interrupt a paragraph: they continue it, so are indented.
        assert_eq!(sanitize("- It changed in\n2024. Since then"), "- It changed in\n  2024. Since then");
        assert_eq!(sanitize("Steps:\n1. one\n2. two"), "Steps:\n1. one\n2. two");
        assert_eq!(sanitize("- a\n1. b\nwrapped"), "- a\n1. b\n   wrapped");
    }

    #[test]
    fn lazy_quote_lines_get_their_markers() {
        assert_eq!(sanitize("> Note: this\nwraps"), "> Note: this\n> wraps");
        assert_eq!(sanitize("> > deep\n> wraps"), "> > deep\n> > wraps");
        assert_eq!(sanitize(">quote\n\nafter"), "> quote\n\nafter");
        assert_eq!(sanitize("> quote\n# Heading"), "> quote\n# Heading");
        assert_eq!(sanitize("- item\n  > quoted\n  lazy"), "- item\n  > quoted\n  > lazy");
        assert_eq!(sanitize("> It changed in\n2024. Since then"), "> It changed in\n> 2024. Since then");
        assert_eq!(sanitize("> quoted\n- item"), "> quoted\n- item");
    }

    #[test]
    fn code_in_quotes_is_labelled_too() {
        assert_eq!(sanitize("> ```\n> let x = 1;\n> ```"), "> ```text\n> let x = 1;\n> ```");
        assert_eq!(sanitize("> ```\n> code\nout"), "> ```text\n> code\n> ```\nout");
    }

    #[test]
    fn fences_are_kept_as_written_but_labelled() {
        assert_eq!(sanitize("~~~\nx\n~~~"), "~~~text\nx\n~~~");
        assert_eq!(sanitize("````md\n```\n````"), "````md\n```\n````");
        assert_eq!(sanitize("```no_run\nx\n```"), "```text\nx\n```");
        assert_eq!(sanitize("```x``` is code"), "```x``` is code");
    }

    #[test]
    fn carriage_returns_end_lines() {
        assert_eq!(sanitize("one\r\ntwo\rthree"), "one\ntwo\nthree");
    }

    #[test]
    fn tabs_become_spaces() {
        assert_eq!(sanitize("a\tb\n-\tone\n\ttwo"), "a   b\n-   one\n    two");
        assert_eq!(sanitize("```\n\tcode\n```"), "```text\n    code\n```");
    }

    #[test]
    fn escapes_are_kept_and_link_labels_escaped() {
        assert_eq!(sanitize(r"a \[b\] \*c\* \<d>"), r"a \[b\] \*c\* \<d&gt;");
        assert_eq!(sanitize("[List<T>](https://x.dev)"), "[List&lt;T&gt;](https://x.dev)");
        assert_eq!(sanitize("[see https://x.dev](https://x.dev)"), "[see https://x.dev](https://x.dev)");
        assert_eq!(sanitize("a\\\nb é\\"), "a\\\nb é\\");
        assert_eq!(sanitize("[^0]: see [the code](https://x.dev/c)."), "\\[^0\\]: see [the code](https://x.dev/c).");
    }

    /// Lines clippy's `doc_lazy_continuation`, `doc_overindented_list_items` or
    /// `tabs_in_doc_comments` would flag, by a plainer reading than `sanitize`'s: a line right
    /// after a list item's line must sit at the item's content column, and one right after a
    /// quoted line must be quoted, unless it starts a block of its own. It reads every line that
    /// looks like an item as one, so it is for text without `2.` lines that continue a paragraph.
    fn layout_faults(doc: &str) -> Vec<String> {
        let mut faults = Vec::new();
        let mut item = None;
        let mut quoted = false;
        let mut fence = false;
        for line in doc.lines() {
            if line.contains('\t') {
                faults.push(format!("tab: {line:?}"));
            }
            let text = line.trim_start_matches(' ');
            let indent = line.len() - text.len();
            let body = quote_markers(text).1.trim_start();
            if fence_open(body).is_some() {
                fence = !fence;
                item = None;
                continue;
            }
            if fence || text.is_empty() {
                (item, quoted) = (None, false);
                continue;
            }
            if quoted && !text.starts_with('>') && !starts_block(text) && list_marker(text).is_none() {
                faults.push(format!("lazy quote line: {line:?}"));
            }
            quoted = text.starts_with('>');
            if quoted {
                item = None;
            } else if let Some(mut marker) = list_marker(text) {
                let mut column = indent;
                loop {
                    column += marker.text.len() + marker.spaces.max(1);
                    match list_marker(marker.content) {
                        Some(inner) => marker = inner,
                        None => break,
                    }
                }
                item = Some(column);
            } else if starts_block(text) {
                item = None;
            } else if let Some(column) = item
                && indent != column
            {
                faults.push(format!("continuation at column {indent}, item content at {column}: {line:?}"));
            }
        }
        faults
    }

    #[test]
    fn hard_cases_leave_no_layout_fault() {
        let cases = [
            "- a\nb\n   c\n\td\n- e\n    - f\n g\n1) h\ni\n\n> j\nk\n> > l\nm\n\n1. n\n\t- o\np",
            "* one\n*   two\n  three\n+ four\n1. five\n1) six\nseven",
        ];
        for case in cases {
            let doc = sanitize(case);
            assert_eq!(layout_faults(&doc), Vec::<String>::new(), "{doc}");
        }
        assert_eq!(layout_faults("- a\nb").len(), 1);
        assert_eq!(layout_faults("> a\nb").len(), 1);
    }

    /// Every string of two real specs (descriptions, and examples such as mistral's `<br>`
    /// author lists) through `prose::to_markdown` and then `sanitize`.
    #[test]
    fn real_spec_prose_comes_out_clean() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut descriptions = 0;
        for spec in ["../../shared/corpus-next/mistral-openapi.yaml", "../specs/blaxel-controlplane.yaml"] {
            let path = dir.join(spec);
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let value: serde_yaml::Value = serde_yaml::from_str(&text).expect("spec parses");
            let mut strings = Vec::new();
            collect_strings(&value, false, &mut strings);
            for (is_description, text) in strings {
                descriptions += usize::from(is_description);
                for base in [None, Some("https://docs.example.com/api/")] {
                    let markdown = crate::model::prose::to_markdown(text, base);
                    let prose: String = markdown.split('`').step_by(2).collect();
                    assert!(!prose.contains("<p>") && !prose.contains("<br"), "{markdown}");
                    let doc = sanitize(&markdown);
                    assert!(!doc.contains("<p>") && !doc.contains("<br"), "{doc}");
                    assert_eq!(layout_faults(&doc), Vec::<String>::new(), "{doc}");
                }
            }
        }
        assert!(descriptions > 3000, "{descriptions} descriptions");
    }

    fn collect_strings<'a>(value: &'a serde_yaml::Value, is_description: bool, out: &mut Vec<(bool, &'a str)>) {
        match value {
            serde_yaml::Value::String(text) => out.push((is_description, text)),
            serde_yaml::Value::Sequence(items) => items.iter().for_each(|item| collect_strings(item, false, out)),
            serde_yaml::Value::Mapping(map) => {
                for (key, value) in map {
                    collect_strings(value, key.as_str() == Some("description"), out);
                }
            }
            serde_yaml::Value::Tagged(tagged) => collect_strings(&tagged.value, false, out),
            _ => {}
        }
    }
}
