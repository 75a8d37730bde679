//! Which members of a union a JSON value fits, best first. Generated unions decode by this rule
//! (`decode.rs`), and the generator checks the spec's examples by it: its conformance check
//! compiles this very file, so the two cannot rank differently. Pure: it reads a value and the
//! members' shapes, and reports nothing.

use serde_json::Value;

/// What a union member looks like on the wire, as far as telling members apart needs. `K` holds
/// a key or a listed value: `&'static str` in generated code ([`Shape`]), `String` in the
/// generator, which borrows its own shapes as these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeOf<'a, K> {
    /// An object: the keys it declares (`None`: any keys), the keys it requires, and the
    /// properties it pins to one value.
    Object {
        known: Option<&'a [K]>,
        required: &'a [K],
        pinned: &'a [(K, K)],
    },
    /// A string, from a list when the member gives one.
    String(Option<&'a [K]>),
    Integer,
    Number,
    Boolean,
    Array,
    /// Any value.
    Any,
}

/// A member's shape as generated unions write it, in a `const`.
pub type Shape = ShapeOf<'static, &'static str>;

/// How well a value fits a shape, when it fits at all; greater is better. Pinned properties
/// that match count most (they are tags), then the member's required keys (a member that demands
/// more and gets it is more specific), then how few keys it declares besides (the tightest fit).
fn fit<K: AsRef<str>>(value: &Value, shape: &ShapeOf<'_, K>) -> Option<(usize, usize, isize)> {
    let listed = |list: &[K], text: &str| list.iter().any(|item| item.as_ref() == text);
    match (shape, value) {
        (ShapeOf::Object { known, required, pinned }, Value::Object(map)) => {
            if let Some(known) = known
                && !map.keys().all(|key| listed(known, key))
            {
                return None;
            }
            if !required.iter().all(|key| map.contains_key(key.as_ref())) {
                return None;
            }
            let mut matched = 0;
            for (key, pinned) in pinned.iter() {
                match map.get(key.as_ref()) {
                    Some(Value::String(found)) if found == pinned.as_ref() => matched += 1,
                    None => {}
                    Some(_) => return None,
                }
            }
            let declared = known.map_or(isize::MAX, |k| k.len() as isize);
            Some((matched, required.len(), -declared))
        }
        (ShapeOf::String(None), Value::String(_)) => Some((0, 0, 0)),
        (ShapeOf::String(Some(values)), Value::String(text)) => listed(values, text).then_some((1, 0, 0)),
        (ShapeOf::Integer, Value::Number(n)) => (n.is_i64() || n.is_u64()).then_some((1, 0, 0)),
        (ShapeOf::Number, Value::Number(_))
        | (ShapeOf::Boolean, Value::Bool(_))
        | (ShapeOf::Array, Value::Array(_)) => Some((0, 0, 0)),
        (ShapeOf::Any, _) => Some((0, 0, isize::MIN)),
        _ => None,
    }
}

/// The members among `candidates` (indices into `shapes`) that `value` fits, best first
/// (declaration order on ties). An untagged union tries them in this order.
pub fn ranked<K: AsRef<str>>(
    value: &Value,
    shapes: &[ShapeOf<'_, K>],
    candidates: impl Iterator<Item = usize>,
) -> Vec<usize> {
    let mut fitting: Vec<(usize, (usize, usize, isize))> =
        candidates.filter_map(|index| Some((index, fit(value, shapes.get(index)?)?))).collect();
    fitting.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    fitting.into_iter().map(|(index, _)| index).collect()
}

/// The members a tagged union tries for a value whose tag names the members `named` (none
/// named is the caller's case: a tag the union does not list): the one named, taken on its tag
/// alone, or, where members share the tag, those the value fits, [`ranked`].
pub fn tag_candidates<K: AsRef<str>>(value: &Value, shapes: &[ShapeOf<'_, K>], named: Vec<usize>) -> Vec<usize> {
    match named.len() {
        0 | 1 => named,
        _ => ranked(value, shapes, named.into_iter()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn fits_rank_pinned_then_required_then_tightest() {
        let tagged = Shape::Object { known: Some(&["type", "a"]), required: &["type"], pinned: &[("type", "x")] };
        let loose = Shape::Object { known: Some(&["type", "a", "b"]), required: &[], pinned: &[] };
        let tight = Shape::Object { known: Some(&["type", "a"]), required: &[], pinned: &[] };
        let shapes = [loose, tight, tagged];
        assert_eq!(ranked(&json!({"type": "x", "a": 1}), &shapes, 0..3), [2, 1, 0]);
        assert_eq!(ranked(&json!({"type": "y", "a": 1}), &shapes, 0..3), [1, 0], "a pinned mismatch does not fit");
        let scalars = [Shape::Number, Shape::Integer, Shape::String(None), Shape::String(Some(&["on"])), Shape::Any];
        assert_eq!(ranked(&json!(3), &scalars, 0..5), [1, 0, 4]);
        assert_eq!(ranked(&json!(3.5), &scalars, 0..5), [0, 4]);
        assert_eq!(ranked(&json!("on"), &scalars, 0..5), [3, 2, 4]);
    }

    /// Owned keys (the generator's) rank as borrowed ones (generated code's) do.
    #[test]
    fn owned_and_static_keys_rank_alike() {
        let known: [String; 2] = ["type".into(), "a".into()];
        let pinned = [("type".to_string(), "x".to_string())];
        let owned = [
            ShapeOf::Object { known: Some(&known[..]), required: &[], pinned: &[] },
            ShapeOf::Object { known: Some(&known[..]), required: &known[..1], pinned: &pinned[..] },
        ];
        assert_eq!(ranked(&json!({"type": "x"}), &owned, 0..2), [1, 0]);
        assert_eq!(ranked(&json!({"type": "y"}), &owned, 0..2), [0]);
    }

    #[test]
    fn a_tag_named_once_is_taken_without_its_shape() {
        let shapes = [Shape::Array, Shape::Object { known: Some(&["type"]), required: &[], pinned: &[] }];
        let value = json!({"type": "t", "extra": 1});
        assert_eq!(tag_candidates(&value, &shapes, vec![0]), [0]);
        assert_eq!(tag_candidates(&value, &shapes, vec![0, 1]), Vec::<usize>::new(), "shared: by shape, and none fits");
        assert_eq!(tag_candidates(&json!({"type": "t"}), &shapes, vec![0, 1]), [1]);
    }
}
