//! Spec prose into Markdown. Descriptions arrive as CommonMark written for a docs site, or as HTML
//! (Stripe-style `<p>`, `<a href="/docs/api/...">`, `<ul><li>`, `<code>`, entities); both leave
//! here as Markdown whose links either are absolute or are gone, ready for `emit::docs::sanitize`.
//!
//! HTML is converted by `htmd`, a maintained turndown.js port on the browsers' parser
//! (html5ever) that handles lists, code, tables and entities, where `html2md` is GPL-licensed,
//! `fast_html2md` is a pre-1.0 fork of it, and `html2text` writes plain text, not Markdown.
//!
//! Two shapes of HTML are told apart, because converting a whole text collapses its line breaks
//! and escapes its Markdown:
//! - a document, with at least one block tag (`<p>`, `<ul>`, `<pre>`, `<h2>`, `<table>`...), is
//!   HTML throughout and is converted whole;
//! - Markdown with inline tags (`<a>`, `<code>`, `<b>`, `<br>`...) keeps its Markdown, and only
//!   each inline element is converted; its entities are left to the Markdown reader, which
//!   decodes them itself.
//!
//! Text inside Markdown code (spans and fenced blocks) is never read as HTML or as a link.

use std::borrow::Cow;

use htmd::HtmlToMarkdown;
use htmd::options::{BrStyle, BulletListMarker, Options};

/// Markdown for one description: HTML converted, relative links settled.
///
/// Text without HTML passes through as it is, save its relative links: `List<T>` and `a < b`
/// are not HTML. A relative link (`/docs/api/charges`, `docs/x`, `#anchor`), in an `<a href>` or
/// a Markdown `[text](target)`, is resolved against `docs_base_url` when one is given (RFC 3986
/// reference resolution) and otherwise becomes its plain text; absolute links stay. A base
/// without a scheme (`docs.x.dev/api`) resolves nothing and counts as none. The result depends
/// on the input alone.
pub fn to_markdown(text: &str, docs_base_url: Option<&str>) -> String {
    // Most descriptions are plain prose: without a `<` or `&` there is no HTML, and without a `[`
    // no link, and the walks below would copy the text as it is.
    if !text.contains(['<', '&', '[']) {
        return text.to_string();
    }
    let markdown = match html_kind(text) {
        HtmlKind::None => Cow::Borrowed(text),
        HtmlKind::Inline => Cow::Owned(convert_inline(text)),
        HtmlKind::Document => Cow::Owned(convert_document(text)),
    };
    settle_links(&markdown, docs_base_url)
}

/// Tags that make a text an HTML document: it is converted whole.
const BLOCK_TAGS: &[&str] = &[
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Tags that may stand inside Markdown: each element is converted on its own.
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "br", "cite", "code", "del", "em", "i", "img", "ins", "kbd", "mark", "q", "s", "samp", "small",
    "span", "strong", "sub", "sup", "tt", "u", "var",
];

/// Elements without content or closing tag.
const VOID_TAGS: &[&str] = &["br", "hr", "img"];

/// Entities that mark a text as HTML-escaped (numeric ones are recognised apart).
const ENTITIES: &[&str] = &["&lt;", "&gt;", "&amp;", "&quot;", "&apos;", "&nbsp;"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum HtmlKind {
    None,
    Inline,
    Document,
}

fn html_kind(text: &str) -> HtmlKind {
    let mut kind = HtmlKind::None;
    rewrite_outside_code(text, |rest, _| {
        if let Some(tag) = tag_at(rest) {
            if BLOCK_TAGS.contains(&tag.name.as_str()) {
                kind = HtmlKind::Document;
            } else if INLINE_TAGS.contains(&tag.name.as_str()) && !tag.closing && element_of(rest, &tag).is_some() {
                // `Vec<i>` is no element: an inline tag counts when it is closed (or needs no
                // closing).
                kind = kind.max(HtmlKind::Inline);
            }
        } else if entity_at(rest).is_some() {
            kind = kind.max(HtmlKind::Inline);
        }
        None
    });
    kind
}

/// Converts a whole HTML text; a `<` that opens no known tag is text, as it was meant.
fn convert_document(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        html.push_str(&rest[..at]);
        rest = &rest[at..];
        let known = tag_at(rest).is_some_and(|tag| is_known(&tag.name)) || rest.starts_with("<!--");
        html.push_str(if known { "<" } else { "&lt;" });
        rest = &rest[1..];
    }
    html.push_str(rest);
    html_to_markdown(&html).unwrap_or_else(|| text.to_string())
}

/// Converts each inline element of Markdown text, leaving the Markdown around it alone.
fn convert_inline(text: &str) -> String {
    rewrite_outside_code(text, |rest, out| {
        let tag = tag_at(rest).filter(|tag| is_known(&tag.name))?;
        if tag.name == "br" {
            return Some(tag.len + hard_break(out, &rest[tag.len..]));
        }
        if tag.closing {
            // A closing tag whose opening was not seen: nothing to render.
            return Some(tag.len);
        }
        // An element never closed is no element: `Vec<i>` stays text.
        let len = element_of(rest, &tag)?;
        out.push_str(&html_to_markdown(&rest[..len]).unwrap_or_default());
        Some(len)
    })
}

/// Ends the current line with a Markdown hard break (`\`), unless the line is empty or the text
/// ends there, where a break means nothing; returns how much of the spacing `after` it consumed.
fn hard_break(out: &mut String, after: &str) -> usize {
    let trimmed = out.trim_end_matches([' ', '\t']).len();
    out.truncate(trimmed);
    let next = after.trim_start_matches([' ', '\t']);
    let spacing = after.len() - next.len();
    if out.is_empty() || out.ends_with('\n') || next.trim().is_empty() {
        return spacing;
    }
    out.push('\\');
    if !next.starts_with('\n') {
        out.push('\n');
    }
    spacing
}

/// The length of the element opened by `open` at the start of `text`: the tag alone when it needs
/// no closing, else through its closing tag, if there is one.
fn element_of(text: &str, open: &Tag) -> Option<usize> {
    if VOID_TAGS.contains(&open.name.as_str()) || open.self_closing {
        return Some(open.len);
    }
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(found) = text[at..].find('<') {
        at += found;
        if let Some(tag) = tag_at(&text[at..]).filter(|tag| tag.name == open.name && !tag.self_closing) {
            if tag.closing {
                depth -= 1;
                if depth == 0 {
                    return Some(at + tag.len);
                }
            } else {
                depth += 1;
            }
            at += tag.len;
        } else {
            at += 1;
        }
    }
    None
}

fn html_to_markdown(html: &str) -> Option<String> {
    thread_local! {
        static CONVERTER: HtmlToMarkdown = HtmlToMarkdown::builder()
            .options(Options {
                // `\` survives the trailing-space trim rustdoc lines get; two spaces would not.
                br_style: BrStyle::Backslash,
                bullet_list_marker: BulletListMarker::Dash,
                ul_bullet_spacing: 1,
                ol_number_spacing: 1,
                ..Options::default()
            })
            .skip_tags(vec!["script", "style"])
            .build();
    }
    CONVERTER.with(|converter| converter.convert(html)).ok()
}

fn is_known(name: &str) -> bool {
    BLOCK_TAGS.contains(&name) || INLINE_TAGS.contains(&name)
}

/// An HTML tag at the start of a text.
#[derive(Debug)]
struct Tag {
    /// Lowercase.
    name: String,
    closing: bool,
    self_closing: bool,
    /// Through the `>`.
    len: usize,
}

fn tag_at(text: &str) -> Option<Tag> {
    let after = text.strip_prefix('<')?;
    let (closing, after) = match after.strip_prefix('/') {
        Some(after) => (true, after),
        None => (false, after),
    };
    let name_len = after.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(after.len());
    let name = &after[..name_len];
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let attrs = &after[name_len..];
    if !attrs.starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/') {
        return None;
    }
    // Up to the `>` outside quoted attribute values.
    let mut quote = None;
    for (i, c) in attrs.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '<') => return None,
            (None, '>') => {
                return Some(Tag {
                    name: name.to_ascii_lowercase(),
                    closing,
                    self_closing: attrs[..i].trim_end().ends_with('/'),
                    len: text.len() - attrs.len() + i + 1,
                });
            }
            (None, _) => {}
        }
    }
    None
}

/// The length of an HTML entity at the start of a text, if one is there.
fn entity_at(text: &str) -> Option<usize> {
    if let Some(entity) = ENTITIES.iter().find(|entity| text.starts_with(**entity)) {
        return Some(entity.len());
    }
    let number = text.strip_prefix("&#")?;
    let (digits, radix) = match number.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    let len = digits.find(|c: char| !c.is_digit(radix)).unwrap_or(digits.len());
    (len > 0 && digits[len..].starts_with(';')).then(|| text.len() - digits.len() + len + 1)
}

/// Resolves or drops the relative links of Markdown text (see [`to_markdown`]).
fn settle_links(text: &str, base: Option<&str>) -> String {
    if !text.contains('[') {
        return text.to_string();
    }
    let base = base.filter(|base| scheme_len(base).is_some());
    rewrite_outside_code(text, |rest, out| {
        if !(rest.starts_with('[') || rest.starts_with("![")) {
            return None;
        }
        let link = link_at(rest)?;
        if scheme_len(link.target).is_some() {
            out.push_str(&rest[..link.len]);
            return Some(link.len);
        }
        let label = &rest[link.label.clone()];
        match base.filter(|_| !link.target.is_empty()) {
            Some(base) => {
                let target = join(base, link.target);
                let target = if link.angled { format!("<{target}>") } else { target };
                out.push_str(&rest[..link.label.end]);
                out.push_str("](");
                out.push_str(&target);
                out.push_str(&rest[link.after_target..link.len]);
            }
            None => out.push_str(label),
        }
        Some(link.len)
    })
}

/// An inline Markdown link or image at the start of a text.
#[derive(Debug)]
struct Link<'a> {
    /// The text between the brackets.
    label: std::ops::Range<usize>,
    /// The destination, without angle brackets.
    target: &'a str,
    /// Whether the destination was written `<...>`.
    angled: bool,
    /// Where the title (if any) and the closing parenthesis start.
    after_target: usize,
    /// Through the closing parenthesis.
    len: usize,
}

fn link_at(text: &str) -> Option<Link<'_>> {
    let open = if text.starts_with("![") { 2 } else { 1 };
    let close = open + closing_bracket(&text[open..])?;
    let mut at = close + 1;
    if !text[at..].starts_with('(') {
        return None;
    }
    at += 1;
    at += text[at..].len() - text[at..].trim_start().len();
    let (target, angled, target_end) = if let Some(angled) = text[at..].strip_prefix('<') {
        let end = angled.find(['>', '\n'])?;
        if !angled[end..].starts_with('>') {
            return None;
        }
        (&angled[..end], true, at + 1 + end + 1)
    } else {
        let len = target_len(&text[at..])?;
        (&text[at..at + len], false, at + len)
    };
    let tail = &text[target_end..];
    let title = tail.trim_start();
    let title_len = match title.chars().next()? {
        ')' => 0,
        quote @ ('"' | '\'' | '(') => {
            let end = if quote == '(' { ')' } else { quote };
            title[1..].find(end)? + 2
        }
        _ => return None,
    };
    let after_title = title[title_len..].trim_start();
    if !after_title.starts_with(')') {
        return None;
    }
    let len = text.len() - after_title.len() + 1;
    Some(Link { label: open..close, target, angled, after_target: target_end, len })
}

/// The offset of the `]` closing a link label (the text starts after the `[`), skipping
/// escapes, code spans and nested brackets; a blank line ends the search.
fn closing_bracket(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(c) = text[at..].chars().next() {
        match c {
            '\\' => at += 1 + text[at + 1..].chars().next().map_or(0, char::len_utf8),
            '`' => at += code_span_len(&text[at..]).unwrap_or(1),
            '[' => {
                depth += 1;
                at += 1;
            }
            ']' if depth == 0 => return Some(at),
            ']' => {
                depth -= 1;
                at += 1;
            }
            '\n' if text[at + 1..].trim_start_matches([' ', '\t']).starts_with('\n') => return None,
            c => at += c.len_utf8(),
        }
    }
    None
}

/// The length of a bare link destination: no spaces, parentheses balanced.
fn target_len(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(c) = text[at..].chars().next() {
        match c {
            '\\' => at += 1 + text[at + 1..].chars().next().map_or(0, char::len_utf8),
            '(' => {
                depth += 1;
                at += 1;
            }
            ')' if depth == 0 => return Some(at),
            ')' => {
                depth -= 1;
                at += 1;
            }
            c if c.is_whitespace() || c.is_control() => return (depth == 0).then_some(at),
            c => at += c.len_utf8(),
        }
    }
    None
}

/// The length of the scheme and its `:` when a URL starts with one (`https:`, `mailto:`).
fn scheme_len(url: &str) -> Option<usize> {
    let end = url.find(':')?;
    let scheme = &url[..end];
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(end + 1)
}

/// Resolves a relative reference against an absolute base URL (RFC 3986, section 5.2.2).
fn join(base: &str, reference: &str) -> String {
    let (base, _) = split_at_any(base, "#");
    let (base_no_query, base_query) = split_at_any(base, "?");
    let scheme_end = scheme_len(base).unwrap_or(0);
    let (authority_end, base_path) = match base_no_query[scheme_end..].strip_prefix("//") {
        Some(rest) => {
            let end = rest.find('/').unwrap_or(rest.len());
            (scheme_end + 2 + end, &rest[end..])
        }
        None => (scheme_end, &base_no_query[scheme_end..]),
    };
    let origin = &base[..authority_end];
    if reference.starts_with("//") {
        let (authority_path, rest) = split_at_any(reference, "?#");
        let path_start = authority_path[2..].find('/').map_or(authority_path.len(), |i| i + 2);
        let path = remove_dot_segments(&authority_path[path_start..]);
        return format!("{}{}{path}{rest}", &base[..scheme_end], &authority_path[..path_start]);
    }
    if reference.starts_with('#') {
        return format!("{origin}{base_path}{base_query}{reference}");
    }
    if reference.starts_with('?') {
        return format!("{origin}{base_path}{reference}");
    }
    let (path, rest) = split_at_any(reference, "?#");
    let merged = if path.starts_with('/') {
        path.to_string()
    } else if base_path.is_empty() && authority_end > scheme_end {
        format!("/{path}")
    } else {
        let dir = base_path.rfind('/').map_or("", |i| &base_path[..=i]);
        format!("{dir}{path}")
    };
    format!("{origin}{}{rest}", remove_dot_segments(&merged))
}

/// Splits before the first of `chars`, or at the end.
fn split_at_any<'a>(text: &'a str, chars: &str) -> (&'a str, &'a str) {
    text.split_at(text.find(|c| chars.contains(c)).unwrap_or(text.len()))
}

/// `/a/b/../c/./d` to `/a/c/d` (RFC 3986, section 5.2.4), for an absolute path.
fn remove_dot_segments(path: &str) -> String {
    if path.is_empty() {
        return String::new();
    }
    let mut kept: Vec<&str> = Vec::new();
    let mut segments = path.split('/').skip(1).peekable();
    while let Some(segment) = segments.next() {
        let last = segments.peek().is_none();
        match segment {
            "." | ".." => {
                if segment == ".." {
                    kept.pop();
                }
                if last {
                    kept.push("");
                }
            }
            segment => kept.push(segment),
        }
    }
    format!("/{}", kept.join("/"))
}

/// Copies `text`, letting `at` rewrite it at each position outside Markdown code: given the rest
/// of the text and the output so far, it returns how many bytes it consumed (having written their
/// replacement), or `None` to copy one character as it is. Code spans and fenced blocks are
/// copied untouched.
fn rewrite_outside_code(text: &str, mut at: impl FnMut(&str, &mut String) -> Option<usize>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    while pos < text.len() {
        let rest = &text[pos..];
        let line_start = pos == 0 || text.as_bytes()[pos - 1] == b'\n';
        if let Some(len) = line_start.then(|| fenced_block_len(rest)).flatten() {
            out.push_str(&rest[..len]);
            pos += len;
            continue;
        }
        if let Some(escaped) = rest.strip_prefix('\\') {
            // An escaped character is text, whatever it is.
            let len = 1 + escaped.chars().next().map_or(0, char::len_utf8);
            out.push_str(&rest[..len]);
            pos += len;
            continue;
        }
        if rest.starts_with('`') {
            let len = code_span_len(rest).unwrap_or_else(|| rest.len() - rest.trim_start_matches('`').len());
            out.push_str(&rest[..len]);
            pos += len;
            continue;
        }
        if let Some(len) = at(rest, &mut out) {
            pos += len;
            continue;
        }
        let len = rest.chars().next().map_or(1, char::len_utf8);
        out.push_str(&rest[..len]);
        pos += len;
    }
    out
}

/// The length of a code span starting here: a run of backticks through the next run of the same
/// length.
fn code_span_len(text: &str) -> Option<usize> {
    let run = text.len() - text.trim_start_matches('`').len();
    let mut at = run;
    while let Some(found) = text[at..].find('`') {
        let start = at + found;
        let len = text[start..].len() - text[start..].trim_start_matches('`').len();
        if len == run {
            return Some(start + len);
        }
        at = start + len;
    }
    None
}

/// The length of a fenced code block starting at this line (through its closing fence, or the
/// end of the text when it is never closed).
fn fenced_block_len(text: &str) -> Option<usize> {
    let first = text.trim_start_matches(' ');
    let fence_char = first.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let run = first.len() - first.trim_start_matches(fence_char).len();
    if run < 3 {
        return None;
    }
    let mut at = text.find('\n').map_or(text.len(), |i| i + 1);
    while at < text.len() {
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        let line = text[at..end].trim();
        if line.len() >= run && line.chars().all(|c| c == fence_char) {
            return Some(end);
        }
        at = end;
    }
    Some(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRIPE: &str = "<p>Creates a new <a href=\"/docs/api/charges\">charge</a> for the \
        <code>amount</code> given &amp; returns it.</p>\
        <p>Possible values:</p><ul><li><code>manual</code>: you capture it &#39;later&#39;.</li>\
        <li>An <strong>automatic</strong> one, see <a href=\"https://stripe.com/docs/x\">the guide</a>.</li></ul>\
        <p>Compare with &lt;T&gt;.</p>";

    #[test]
    fn stripe_html_without_a_base_keeps_link_texts_only() {
        assert_eq!(
            to_markdown(STRIPE, None),
            "Creates a new charge for the `amount` given & returns it.\n\n\
             Possible values:\n\n\
             - `manual`: you capture it 'later'.\n\
             - An **automatic** one, see [the guide](https://stripe.com/docs/x).\n\n\
             Compare with \\<T>."
        );
    }

    #[test]
    fn stripe_html_with_a_base_gets_absolute_links() {
        let markdown = to_markdown(STRIPE, Some("https://stripe.com"));
        assert!(markdown.starts_with("Creates a new [charge](https://stripe.com/docs/api/charges) for the `amount`"));
        assert!(markdown.contains("[the guide](https://stripe.com/docs/x)"));
    }

    #[test]
    fn markdown_without_html_passes_through() {
        for text in [
            "Plain *Markdown* with `code` and a [link](https://x.dev).\n\n- one\n- two",
            "Returns a List<T> of items where a < b and b > c.",
            "Use `<p>` and `&amp;` in code: they are not HTML here.",
            "```html\n<p>an example</p>\n```",
            "Tom & Jerry",
        ] {
            assert_eq!(to_markdown(text, None), text);
            assert_eq!(to_markdown(text, Some("https://docs.x.dev")), text);
        }
    }

    #[test]
    fn markdown_relative_links_are_resolved_or_dropped() {
        let text = "See [charges](/docs/api/charges), [`id`](#the-id), [guide](guide.md \"Guide\") and \
                    ![logo](img/logo.png).";
        assert_eq!(to_markdown(text, None), "See charges, `id`, guide and logo.");
        assert_eq!(
            to_markdown(text, Some("https://docs.x.dev/api/index.html")),
            "See [charges](https://docs.x.dev/docs/api/charges), [`id`](https://docs.x.dev/api/index.html#the-id), \
             [guide](https://docs.x.dev/api/guide.md \"Guide\") and ![logo](https://docs.x.dev/api/img/logo.png)."
        );
    }

    #[test]
    fn br_becomes_a_hard_break_and_markdown_around_inline_html_stays() {
        assert_eq!(
            to_markdown("Saurabh Garg*<br> Carnegie Mellon University<br> sgarg2@andrew.cmu.edu<br>", None),
            "Saurabh Garg*\\\nCarnegie Mellon University\\\nsgarg2@andrew.cmu.edu"
        );
        assert_eq!(
            to_markdown("## Authors\n\n- **Ann**<br/>Lab\n- Use `<br>` <b>twice</b> &amp; <i>more</i>", None),
            "## Authors\n\n- **Ann**\\\nLab\n- Use `<br>` **twice** &amp; *more*"
        );
    }

    #[test]
    fn html_documents_keep_stray_angle_brackets_as_text() {
        assert_eq!(to_markdown("<p>Returns List<T> when a < b.</p>", None), "Returns List\\<T> when a < b.");
    }

    #[test]
    fn nested_and_ordered_html_lists() {
        assert_eq!(
            to_markdown("<ol><li>one</li><li>two<ul><li>nested</li></ul></li></ol><pre><code>x = 1</code></pre>", None),
            "1. one\n2. two\n   - nested\n\n```\nx = 1\n```"
        );
    }

    #[test]
    fn join_follows_rfc_3986() {
        let base = "https://a.dev/b/c/d;p?q";
        for (reference, want) in [
            ("g", "https://a.dev/b/c/g"),
            ("./g", "https://a.dev/b/c/g"),
            ("g/", "https://a.dev/b/c/g/"),
            ("/g", "https://a.dev/g"),
            ("//g.dev/x", "https://g.dev/x"),
            ("?y", "https://a.dev/b/c/d;p?y"),
            ("g?y#s", "https://a.dev/b/c/g?y#s"),
            ("#s", "https://a.dev/b/c/d;p?q#s"),
            (".", "https://a.dev/b/c/"),
            ("..", "https://a.dev/b/"),
            ("../g", "https://a.dev/b/g"),
            ("../../../g", "https://a.dev/g"),
        ] {
            assert_eq!(join(base, reference), want, "{reference}");
        }
        assert_eq!(join("https://stripe.com", "docs/api"), "https://stripe.com/docs/api");
        assert_eq!(join("https://stripe.com/", "/docs/api"), "https://stripe.com/docs/api");
    }

    #[test]
    fn detection_ignores_code_and_non_tags() {
        assert_eq!(html_kind("Vec<u8>, Map<K, V>, a <= b, <T>"), HtmlKind::None);
        assert_eq!(html_kind("`<p>` is fine"), HtmlKind::None);
        assert_eq!(html_kind("x&amp;y"), HtmlKind::Inline);
        assert_eq!(html_kind("it&#39;s"), HtmlKind::Inline);
        assert_eq!(html_kind("a<br>b"), HtmlKind::Inline);
        assert_eq!(html_kind("Vec<i> or </b>"), HtmlKind::None);
        assert_eq!(to_markdown("Vec<i> and <b>bold</b>", None), "Vec<i> and **bold**");
        assert_eq!(html_kind("<P>Upper</P>"), HtmlKind::Document);
        assert_eq!(html_kind("a<a href='/x'>b</a><ul><li>c</li></ul>"), HtmlKind::Document);
    }

    #[test]
    fn output_is_deterministic() {
        let first = to_markdown(STRIPE, Some("https://stripe.com"));
        for _ in 0..3 {
            assert_eq!(to_markdown(STRIPE, Some("https://stripe.com")), first);
        }
    }
}
