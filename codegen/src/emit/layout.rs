//! Code an emitter lays out itself, line by line, as prettyplease prints it: the regular items
//! (a struct and its fields, setters, constants) whose layout is fixed unless a line is too wide.
//! Parsing and printing such an item costs far more than writing it, and most of a large API is
//! such items. The format stage writes a laid item as it is when every line fits prettyplease's
//! margin, and otherwise parses the text and lets prettyplease lay it out: the whole item, or
//! only the piece laid out with [`Writer::items`] whose line is too wide (see
//! `format::print_laid`); `format`'s tests check, item by item on real specs, that a laid item
//! that fits reads exactly as prettyplease prints it.

use proc_macro2::TokenStream;

use super::Item;

/// The widest line prettyplease lays out before it breaks one (its `MARGIN`).
pub const LINE_WIDTH: usize = 89;

/// The widest struct expression prettyplease keeps on one line, from its path to the space
/// before the closing brace.
const STRUCT_EXPR_WIDTH: usize = 34;

/// A laid item: its text, whole items laid out on their own ([`Piece::Items`]), and tokens left
/// for prettyplease at the top level or one level into an impl ([`Piece::Tokens`]).
#[derive(Debug)]
pub struct Laid {
    pub pieces: Vec<Piece>,
}

#[derive(Debug)]
pub enum Piece {
    /// Whole lines, each ended by a line break.
    Text(String),
    /// Whole items (at the top level, or members of an `impl` block one level in) laid out as
    /// text: written as they are when they fit, otherwise printed by prettyplease on their own,
    /// so one wide line costs its own item, not the whole laid item.
    Items { text: String, level: Level },
    /// Items printed by prettyplease: at the top level, or inside an `impl` block (one level in).
    Tokens { tokens: TokenStream, level: Level },
}

/// Where the items of a piece stand: what the format stage parses and prints them as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Items of the file.
    TopLevel,
    /// Members of the `impl` block being written, one level in.
    InImpl,
}

/// Whether prettyplease would keep every line of `text` as it is: code lines within its margin
/// (a doc comment is printed as it is, however long).
pub fn text_fits(text: &str) -> bool {
    text.lines().all(|line| line.len() <= LINE_WIDTH || line.trim_start().starts_with("///"))
}

impl Laid {
    /// Whether the text around the whole items fits (see [`text_fits`]): if not, the laid item
    /// is printed by prettyplease as a whole.
    pub fn fits(&self) -> bool {
        self.pieces.iter().all(|piece| match piece {
            Piece::Text(text) => text_fits(text),
            Piece::Items { .. } | Piece::Tokens { .. } => true,
        })
    }

    /// The item as source text, for the parser.
    pub fn source(&self) -> String {
        self.pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) | Piece::Items { text, .. } => text.clone(),
                Piece::Tokens { tokens, .. } => tokens.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Writes a laid item: lines at the current depth (four spaces a level), doc comments, and
/// members left to prettyplease.
#[derive(Debug, Default)]
pub struct Writer {
    pieces: Vec<Piece>,
    text: String,
    depth: usize,
}

impl Writer {
    pub fn new() -> Self {
        Writer::default()
    }

    /// Whether `line` at the current depth is within the margin.
    pub fn fits(&self, line: &str) -> bool {
        4 * self.depth + line.len() <= LINE_WIDTH
    }

    /// One line at the current depth.
    pub fn line(&mut self, line: &str) -> &mut Self {
        for _ in 0..self.depth {
            self.text.push_str("    ");
        }
        self.text.push_str(line);
        self.text.push('\n');
        self
    }

    /// A line that opens a block (`... {`): the lines after it are one level in.
    pub fn open(&mut self, line: &str) -> &mut Self {
        self.line(line);
        self.depth += 1;
        self
    }

    /// A line that closes a block, one level out.
    pub fn close(&mut self, line: &str) -> &mut Self {
        debug_assert!(self.depth > 0, "a block is open");
        self.depth = self.depth.saturating_sub(1);
        self.line(line)
    }

    /// `head`, the `items` separated by commas, then `tail`, on one line when it fits the
    /// margin; otherwise as prettyplease breaks a list it cannot fit (arguments, parameters):
    /// `head` ending its line, each item on its own line one level in with a comma, `tail`
    /// starting the last line. A `tail` ending in `{` opens a block.
    pub fn list(&mut self, head: &str, items: &[String], tail: &str) -> &mut Self {
        let one_line = format!("{head}{}{tail}", items.join(", "));
        let opens = tail.ends_with('{');
        if items.is_empty() || self.fits(&one_line) {
            return if opens { self.open(&one_line) } else { self.line(&one_line) };
        }
        self.open(head);
        for item in items {
            self.line(&format!("{item},"));
        }
        self.close(tail);
        if opens {
            self.depth += 1;
        }
        self
    }

    /// A struct definition: `head` (`pub struct Name`), then each field's docs and line (`pub
    /// name: Type,`) in braces; empty braces on the head's line.
    pub fn struct_def(&mut self, head: &str, fields: &[(String, String)]) -> &mut Self {
        if fields.is_empty() {
            return self.line(&format!("{head} {{}}"));
        }
        self.open(&format!("{head} {{"));
        for (docs, line) in fields {
            self.docs(docs).line(line);
        }
        self.close("}")
    }

    /// A setter: `pub fn {name}(mut self, {param}) -> Self`, storing `Some({stored})` in `field`;
    /// its docs and attributes are written before.
    pub fn setter(&mut self, name: &str, param: &str, field: &str, stored: &str) -> &mut Self {
        self.list(&format!("pub fn {name}("), &["mut self".to_string(), param.to_string()], ") -> Self {");
        self.line(&format!("self.{field} = Some({stored});"));
        self.line("self");
        self.close("}")
    }

    /// A struct expression `path { fields }` between `prefix` and `suffix` (`Ok(` and `)`): on
    /// one line when it is short, as prettyplease keeps a struct expression whose braces hold at
    /// most 34 columns (its `end_with_max_width(34)`), and fits the margin; otherwise a field per
    /// line, one level in.
    pub fn struct_expr(&mut self, prefix: &str, path: &str, fields: &[String], suffix: &str) -> &mut Self {
        // Measured from the path to the closing brace, without it; empty braces measure one
        // column more than they hold (prettyplease's `offset` on a block without breaks).
        let (expr, width) = match fields.is_empty() {
            true => (format!("{path} {{}}"), path.len() + 3),
            false => {
                let expr = format!("{path} {{ {} }}", fields.join(", "));
                let width = expr.len() - 1;
                (expr, width)
            }
        };
        let one_line = format!("{prefix}{expr}{suffix}");
        if width <= STRUCT_EXPR_WIDTH && self.fits(&one_line) {
            return self.line(&one_line);
        }
        self.open(&format!("{prefix}{path} {{"));
        for field in fields {
            self.line(&format!("{field},"));
        }
        self.close(&format!("}}{suffix}"))
    }

    /// Doc comments for `text` (docs as [`super::docs`] gives them: sanitized, one line each),
    /// as prettyplease prints the `#[doc]` attributes the token form has: `///`, a space unless
    /// the line is empty, the line without trailing spaces.
    pub fn docs(&mut self, text: &str) -> &mut Self {
        for line in text.lines() {
            let line = line.trim_end_matches(' ');
            if line.is_empty() {
                self.line("///")
            } else {
                self.line(&format!("/// {line}"))
            };
        }
        self
    }

    /// Whole items written by `write` at the current depth (the top level, or members of the
    /// `impl` block being written): a piece of their own, printed by prettyplease alone when a
    /// line of theirs is too wide (see [`Piece::Items`]).
    pub fn items(&mut self, write: impl FnOnce(&mut Writer)) -> &mut Self {
        let level = self.level();
        self.end_text();
        let depth = self.depth;
        write(self);
        debug_assert_eq!(self.depth, depth, "whole items close every block they open");
        let text = std::mem::take(&mut self.text);
        if !text.is_empty() {
            self.pieces.push(Piece::Items { text, level });
        }
        self
    }

    /// Items at the current depth (the top level, or members of the `impl` block being
    /// written), printed by prettyplease.
    pub fn tokens(&mut self, tokens: TokenStream) -> &mut Self {
        let level = self.level();
        if !tokens.is_empty() {
            self.end_text();
            self.pieces.push(Piece::Tokens { tokens, level });
        }
        self
    }

    /// The level items written now stand at: the top level or one level in, the only two the
    /// format stage prints items at.
    fn level(&self) -> Level {
        debug_assert!(self.depth <= 1, "items are printed at the top level or one level in");
        if self.depth == 0 { Level::TopLevel } else { Level::InImpl }
    }

    fn end_text(&mut self) {
        if !self.text.is_empty() {
            self.pieces.push(Piece::Text(std::mem::take(&mut self.text)));
        }
    }

    pub fn finish(mut self) -> Item {
        debug_assert_eq!(self.depth, 0, "every block opened is closed");
        self.end_text();
        Item::Laid(Laid { pieces: self.pieces })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `source` (items) as prettyplease prints it.
    fn printed(source: &str) -> String {
        prettyplease::unparse(&syn::parse_file(source).expect("the source parses"))
    }

    /// A function whose body the writer lays out, as text.
    fn laid_fn(body: impl FnOnce(&mut Writer)) -> String {
        let mut writer = Writer::new();
        writer.open("fn f() {");
        body(&mut writer);
        writer.close("}");
        let Item::Laid(laid) = writer.finish() else { panic!("a laid item") };
        assert!(laid.fits());
        laid.source()
    }

    /// Signatures and calls of every length around the margin read as prettyplease prints them.
    #[test]
    fn lists_break_where_prettyplease_breaks_them() {
        for length in 40..100 {
            let name = format!("m{}", "a".repeat(length - 40));
            let params =
                ["&self".to_string(), "first: impl Into<String>".to_string(), "second: types::Pet".to_string()];
            let mut writer = Writer::new();
            writer.open("impl A {");
            writer.line("#[inline]");
            writer.list(&format!("pub fn {name}("), &params, ") -> requests::GetPet<'_> {");
            writer.list(&format!("requests::{name}::new("), &["self".to_string(), "first.into()".to_string()], ")");
            writer.close("}");
            writer.close("}");
            let Item::Laid(laid) = writer.finish() else { panic!("a laid item") };
            assert!(laid.fits(), "a name of {length} columns fits the margin");
            let text = laid.source();
            assert_eq!(text, printed(&text), "a name of {length} columns");
        }
    }

    /// Struct expressions with and without fields, with paths of every length around
    /// prettyplease's 34-column rule, read as prettyplease prints them.
    #[test]
    fn struct_expressions_break_where_prettyplease_breaks_them() {
        for length in 20..60 {
            let path = format!("P{}", "a".repeat(length - 1));
            for fields in [vec![], vec!["a: 1".to_string()], vec!["a".to_string(), "bb: x.y()?".to_string()]] {
                let text = laid_fn(|out| {
                    out.struct_expr("Ok(", &path, &fields, ")");
                });
                assert_eq!(text, printed(&text), "{length} columns, {} fields", fields.len());
            }
        }
    }

    #[test]
    fn docs_are_written_as_prettyplease_prints_doc_attributes() {
        let mut writer = Writer::new();
        writer.open("pub struct A {").docs("First line  \n\nthird").line("pub a: u8,").close("}");
        let Item::Laid(laid) = writer.finish() else { panic!("a laid item") };
        assert_eq!(laid.source(), "pub struct A {\n    /// First line\n    ///\n    /// third\n    pub a: u8,\n}\n");
        assert!(laid.fits());
    }

    #[test]
    fn a_code_line_past_the_margin_does_not_fit_and_a_long_doc_line_does() {
        let long = "x".repeat(LINE_WIDTH);
        let mut writer = Writer::new();
        writer.docs(&long).line("struct A;");
        let Item::Laid(laid) = writer.finish() else { panic!("a laid item") };
        assert!(laid.fits());
        let mut writer = Writer::new();
        writer.line(&format!("const A: &str = \"{long}\";"));
        let Item::Laid(laid) = writer.finish() else { panic!("a laid item") };
        assert!(!laid.fits());
    }
}
