//! Re-vendoring a spec from a docs page: the page's ```` ```yaml ```` block, byte for byte.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

pub fn vendor(page: &Path, spec: &Path) -> Result<bool> {
    let text = fs::read_to_string(page).with_context(|| format!("reading {}", page.display()))?;
    let yaml = extract_openapi_yaml(&text).with_context(|| {
        format!("{}: no OpenAPI YAML block (a ```yaml fence whose body starts with `openapi:`)", page.display())
    })?;
    fs::write(spec, yaml).with_context(|| format!("writing {}", spec.display()))?;
    outln!("{} -> {} ({} bytes)", page.display(), spec.display(), yaml.len());
    Ok(true)
}

/// The body of the first fenced `yaml` block that holds an OpenAPI document. The fence may be
/// three or more backticks; the block ends at a line of the same fence.
pub fn extract_openapi_yaml(page: &str) -> Option<&str> {
    let mut offset = 0;
    for line in page.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_end();
        let fence_len = trimmed.len() - trimmed.trim_start_matches('`').len();
        if fence_len < 3 || !trimmed[fence_len..].starts_with("yaml") {
            continue;
        }
        let fence = &trimmed[..fence_len];
        let body_start = start + line.len();
        let body = &page[body_start..];
        let end = body
            .split_inclusive('\n')
            .scan(0, |pos, l| {
                let at = *pos;
                *pos += l.len();
                Some((at, l))
            })
            .find(|(_, l)| l.trim_end() == fence)
            .map(|(at, _)| at)?;
        let block = &body[..end];
        if block.trim_start().starts_with("openapi:") {
            return Some(block);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_the_yaml_block_exactly() {
        let page = "# Title\n\n````yaml /api.yaml GET /x\nopenapi: 3.1.0\ninfo: {}\n````";
        assert_eq!(extract_openapi_yaml(page), Some("openapi: 3.1.0\ninfo: {}\n"));
    }

    #[test]
    fn skips_yaml_blocks_that_are_not_openapi() {
        let page = "```yaml\na: 1\n```\n```yaml\nopenapi: 3.0.3\n```\n";
        assert_eq!(extract_openapi_yaml(page), Some("openapi: 3.0.3\n"));
        assert_eq!(extract_openapi_yaml("no block"), None);
    }
}
