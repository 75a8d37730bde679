//! Spec prose into rustdoc that `cargo doc -D warnings` accepts and `cargo test` does not run.
//!
//! Descriptions are CommonMark written for a docs site, not for rustdoc: bare URLs warn, `[x]`
//! reads as a broken intra-doc link, `<T>` as an unclosed HTML tag, and an unlabelled or indented
//! code block would be compiled as a doctest. Each is neutralised here, line by line.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc]` attributes, one per line, for the given paragraphs (empty ones are skipped).
pub fn doc_attrs<'a>(paragraphs: impl IntoIterator<Item = Option<&'a str>>) -> TokenStream {
    let text =
        paragraphs.into_iter().flatten().map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n");
    lines_to_attrs(&sanitize(&text), false)
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
            if inner { quote!(#![doc = #line]) } else { quote!(#[doc = #line]) }
        })
        .collect()
}

/// Makes markdown safe for rustdoc; see the module docs.
pub fn sanitize(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.replace("\r\n", "\n").lines() {
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            if in_fence {
                out.push("```".to_string());
            } else {
                // Only unlabelled and `rust` blocks are doctests; everything here is an example
                // in some other language, or pseudo-code.
                let info = info.trim();
                let label = if info.is_empty() || info.starts_with("rust") { "text" } else { info };
                out.push(format!("```{label}"));
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_string());
            continue;
        }
        // Four spaces of indentation would start an indented code block: a doctest.
        let indent = line.len() - trimmed.len();
        let kept = " ".repeat(indent.min(3));
        out.push(format!("{kept}{}", escape_inline(trimmed.trim_end())));
    }
    if in_fence {
        out.push("```".to_string());
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// Escapes one line outside code blocks: brackets, angle brackets, and bare URLs.
fn escape_inline(line: &str) -> String {
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
            if let Some(len) = markdown_link_at(rest).or_else(|| autolink_at(rest)) {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
            if let Some(url_len) = url_at(rest) {
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

/// The length of a `[text](http...)` link starting here, if one does: rustdoc renders those.
fn markdown_link_at(text: &str) -> Option<usize> {
    let close = text.strip_prefix('[')?.find("](")? + 1;
    let target = &text[close + 2..];
    url_at(target)?;
    let end = target.find(')')?;
    Some(close + 2 + end + 1)
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
    }
}
