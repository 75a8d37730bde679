//! How many bytes each generated type takes, so that a union boxes the members that would make
//! it much bigger than its other members. `clippy::large_enum_variant` (warn by default) flags an
//! enum whose largest variant is more than 200 bytes bigger than the second largest; the
//! generator boxes such variants itself, decided here from the IR, instead of allowing the lint
//! in the output.
//!
//! Sizes follow Rust's layout on x86_64 as far as it matters here: struct fields are reordered,
//! so a struct is the sum of its fields rounded up to its alignment; `Option` uses a niche (an
//! invalid bit pattern such as a null `Box` or a `String` capacity above `isize::MAX`) when its
//! payload has one, and a tag padded to the payload's alignment otherwise. Where the exact
//! layout is out of reach (which enum layout rustc picks for a union) the estimate is the larger
//! one. The table of std and serde_json sizes was measured, and a test checks it still holds.

use super::{FloatKind, IntKind, StringFormat};
use super::{Presence, TypeDef, TypeId, TypeKind, TypeRef};

/// How much bigger than the second largest variant the largest unboxed one may be. Clippy's
/// default `enum-variant-size-threshold` is 200; the 72 bytes between absorb estimation error
/// (a union's enum layout is estimated from above, and rustc may change layouts).
const MAX_EXCESS: u64 = 128;

/// Boxes union members (sets [`UnionVariant::boxed`](super::UnionVariant::boxed)) until, in
/// every union, the largest unboxed variant is at most [`MAX_EXCESS`] bytes bigger than the
/// second largest, boxing the largest first. The `Unknown` variant the emitter adds to tagged
/// and kept-untagged unions counts as a variant (it cannot be boxed).
///
/// Runs after the recursion analysis: its boxed slots count as a pointer, and they break every
/// by-value cycle, so each type's size is computed once from its members' final sizes and the
/// result does not depend on the order types are visited in. Both serde_json builds (see
/// [`BUILDS`]) must pass. Returns the sizes found, for [`Sizes::boxed_members`].
pub fn box_large_variants(defs: &mut [TypeDef]) -> Sizes {
    Sizes(layouts(defs))
}

/// Every type's layout, as [`box_large_variants`] left the types.
pub struct Sizes(Vec<Layouts>);

impl Sizes {
    /// Which members of an enum of `members` (with no `Unknown` variant) to box, as a union of
    /// them would be: the enums of an operation's outcomes, which are no type of the model.
    pub fn boxed_members(&self, members: &[TypeRef]) -> Vec<bool> {
        let payloads: Vec<Layouts> = members.iter().map(|ty| layout_of(ty, &mut |id| self.0[id.0])).collect();
        boxing(&payloads, vec![false; members.len()], false).0
    }
}

/// Boxes as [`box_large_variants`] does, and returns every type's layout in each of [`BUILDS`].
fn layouts(defs: &mut [TypeDef]) -> Vec<Layouts> {
    let mut sizer = Sizer { memo: vec![State::Pending; defs.len()], defs };
    (0..sizer.defs.len()).map(|index| sizer.def_layout(TypeId(index))).collect()
}

/// What a value of a type occupies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Layout {
    size: u64,
    align: u64,
    /// How many invalid bit patterns it has for an enclosing `Option` or enum to use as a tag
    /// (saturating; a lower bound where the exact count is unknown).
    niches: u64,
}

impl Layout {
    const fn new(size: u64, align: u64, niches: u64) -> Layout {
        Layout { size, align, niches }
    }

    /// `Option<Self>`: the same size when a niche is free, else a tag padded to the alignment.
    fn option(self) -> Layout {
        match self.niches {
            0 => Layout::new(self.size + self.align, self.align, TAG_NICHES - 1),
            niches => Layout { niches: niches - 1, ..self },
        }
    }
}

/// A type's layout in each of [`BUILDS`], in that order.
type Layouts = [Layout; 2];

/// Invalid values of a `Vec` or `String` capacity (above `isize::MAX`).
const CAPACITY_NICHES: u64 = 1 << 63;
/// Invalid values of a one-byte enum tag.
const TAG_NICHES: u64 = 256;

const VEC: Layout = Layout::new(24, 8, CAPACITY_NICHES);
/// `BTreeMap<String, T>`: no niche (`Option<BTreeMap<..>>` is 32 bytes).
const BTREE_MAP: Layout = Layout::new(24, 8, 0);
/// `Box<T>`: only null is free.
const BOX: Layout = Layout::new(8, 8, 1);
const BOOL: Layout = Layout::new(1, 1, 254);
/// chrono's dates keep a niche (a non-zero year-and-ordinal field); a UUID is 16 bytes.
const DATE_TIME: Layout = Layout::new(12, 4, 1);
const DATE: Layout = Layout::new(4, 4, 1);
const UUID: Layout = Layout::new(16, 1, 0);
/// The runtime's `Extras` (an `Option<Box<Map>>`), which keeps a struct's undeclared properties:
/// the `Option` takes the box's one niche.
const EXTRAS: Layout = Layout::new(8, 8, 0);

/// The layouts that depend on how serde_json is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Json {
    /// `serde_json::Value`.
    value: Layout,
    /// `serde_json::Map<String, Value>`.
    object: Layout,
}

/// serde_json with its default features (`Map` is a `BTreeMap`), then with `preserve_order`
/// (`Map` is an `IndexMap`). A generated crate asks for the default, but cargo unifies features
/// across what it builds together (this workspace builds `generated/` with `preserve_order`), so
/// the same code may be compiled either way, and a union must stay within bounds in both.
/// `Value` has spare tag values; 250 is a lower bound (six variants in a byte).
const BUILDS: [Json; 2] = [
    Json { value: Layout::new(32, 8, 250), object: BTREE_MAP },
    Json { value: Layout::new(72, 8, 250), object: Layout::new(72, 8, CAPACITY_NICHES) },
];

fn both(layout: Layout) -> Layouts {
    [layout; 2]
}

fn scalar(size: u64) -> Layouts {
    both(Layout::new(size, size, 0))
}

/// Fields in any order, as rustc reorders them: their sizes (each a multiple of its alignment)
/// add up without padding, rounded up to the largest alignment; the largest niche stays free.
fn structure(fields: impl IntoIterator<Item = Layout>) -> Layout {
    let mut total = Layout::new(0, 1, 0);
    for field in fields {
        total.size += field.size;
        total.align = total.align.max(field.align);
        total.niches = total.niches.max(field.niches);
    }
    Layout { size: total.size.next_multiple_of(total.align), ..total }
}

/// An enum of single-payload variants, laid out with a one-byte tag before each payload. rustc
/// may instead hide the tag in a niche of the largest payload, which is smaller: this is the
/// estimate from above.
fn enumeration(payloads: &[Layout]) -> Layout {
    let align = payloads.iter().map(|p| p.align).max().unwrap_or(1);
    // The payload starts at the first multiple of its alignment after the tag byte.
    let size = payloads.iter().map(|p| p.align + p.size).max().unwrap_or(0).next_multiple_of(align);
    Layout::new(size, align, TAG_NICHES.saturating_sub(payloads.len() as u64))
}

#[derive(Debug, Clone, Copy)]
enum State {
    Pending,
    /// On the stack of the walk: reached again only through a by-value cycle.
    Visiting,
    Done(Layouts),
}

struct Sizer<'a> {
    defs: &'a mut [TypeDef],
    memo: Vec<State>,
}

/// What a definition's layout is made of, copied out so the walk can recurse while reading it.
enum Parts {
    /// The fields, and whether the struct keeps undeclared properties (an `Extras` field).
    Struct(Vec<(TypeRef, Presence, bool)>, bool),
    Union {
        members: Vec<(TypeRef, bool)>,
        unknown: bool,
    },
    StringEnum(usize),
    Alias(TypeRef),
}

impl Sizer<'_> {
    fn def_layout(&mut self, id: TypeId) -> Layouts {
        match self.memo[id.0] {
            State::Done(layouts) => return layouts,
            // The recursion analysis boxes every by-value cycle: count the box it needs.
            State::Visiting => return both(BOX),
            State::Pending => self.memo[id.0] = State::Visiting,
        }
        let layouts = match parts(&self.defs[id.0].kind) {
            Parts::Struct(fields, kept) => {
                let fields: Vec<Layouts> =
                    fields.iter().map(|(ty, presence, boxed)| self.field_layout(ty, *presence, *boxed)).collect();
                let extras = kept.then_some(EXTRAS);
                [0, 1].map(|build| structure(fields.iter().map(|field| field[build]).chain(extras)))
            }
            Parts::Union { members, unknown } => self.union_layout(id, &members, unknown),
            // Unit variants and `Unknown(String)`: the unit variants take niches of the `String`.
            Parts::StringEnum(values) => both(Layout { niches: VEC.niches.saturating_sub(values as u64), ..VEC }),
            Parts::Alias(ty) => self.ref_layout(&ty),
        };
        self.memo[id.0] = State::Done(layouts);
        layouts
    }

    /// A struct field: `T`, `Option<T>` or `Option<Option<T>>` by presence, `T` a `Box` if boxed.
    fn field_layout(&mut self, ty: &TypeRef, presence: Presence, boxed: bool) -> Layouts {
        let value = if boxed { both(BOX) } else { self.ref_layout(ty) };
        value.map(|layout| match presence {
            Presence::Required => layout,
            Presence::Optional | Presence::RequiredNullable => layout.option(),
            Presence::OptionalNullable => layout.option().option(),
        })
    }

    fn ref_layout(&mut self, ty: &TypeRef) -> Layouts {
        layout_of(ty, &mut |id| self.def_layout(id))
    }

    /// Boxes members of union `id` until it is within bounds in every build, then lays it out.
    fn union_layout(&mut self, id: TypeId, members: &[(TypeRef, bool)], unknown: bool) -> Layouts {
        let payloads: Vec<Layouts> = members.iter().map(|(ty, _)| self.ref_layout(ty)).collect();
        let (boxed, layouts) = boxing(&payloads, members.iter().map(|(_, boxed)| *boxed).collect(), unknown);
        for (slot, boxed) in self.defs[id.0].slots_mut().into_iter().zip(&boxed) {
            if let Some(flag) = slot.boxed {
                *flag |= *boxed;
            }
        }
        layouts
    }
}

/// A type's layout, the named types' from `named`.
fn layout_of(ty: &TypeRef, named: &mut impl FnMut(TypeId) -> Layouts) -> Layouts {
    match ty {
        TypeRef::Named(id) => named(*id),
        TypeRef::String | TypeRef::Bytes | TypeRef::Vec(_) => both(VEC),
        TypeRef::Map(_) => both(BTREE_MAP),
        TypeRef::Formatted(StringFormat::DateTime) => both(DATE_TIME),
        TypeRef::Formatted(StringFormat::Date) => both(DATE),
        TypeRef::Formatted(StringFormat::Uuid) => both(UUID),
        TypeRef::Json => BUILDS.map(|json| json.value),
        TypeRef::JsonObject => BUILDS.map(|json| json.object),
        TypeRef::Bool => both(BOOL),
        TypeRef::Int(IntKind::I8 | IntKind::U8) => scalar(1),
        TypeRef::Int(IntKind::I16 | IntKind::U16) => scalar(2),
        TypeRef::Int(IntKind::I32 | IntKind::U32) | TypeRef::Float(FloatKind::F32) => scalar(4),
        TypeRef::Int(IntKind::I64 | IntKind::U64) | TypeRef::Float(FloatKind::F64) => scalar(8),
        TypeRef::Option(inner) => layout_of(inner, named).map(Layout::option),
    }
}

/// Boxes members with `payloads` (besides those `boxed` already, and an `Unknown` variant if
/// `unknown`) until the enum of them is within bounds in every build; the boxing and the enum's
/// layout.
fn boxing(payloads: &[Layouts], mut boxed: Vec<bool>, unknown: bool) -> (Vec<bool>, Layouts) {
    let variants = |boxed: &[bool], build: usize| -> Vec<Layout> {
        let members = payloads.iter().zip(boxed).map(|(payload, &boxed)| if boxed { BOX } else { payload[build] });
        members.chain(unknown.then_some(BUILDS[build].value)).collect()
    };
    while let Some(index) = (0..BUILDS.len()).find_map(|build| too_large(&variants(&boxed, build))) {
        match boxed.get_mut(index) {
            Some(slot) if !*slot => *slot = true,
            // The largest is `Unknown` (or already boxed): nothing left to box.
            _ => break,
        }
    }
    let layouts = [0, 1].map(|build| enumeration(&variants(&boxed, build)));
    (boxed, layouts)
}

/// The index of the largest variant (the first of equals), if it is more than [`MAX_EXCESS`]
/// bytes bigger than the second largest.
fn too_large(variants: &[Layout]) -> Option<usize> {
    let mut order: Vec<usize> = (0..variants.len()).collect();
    order.sort_by_key(|&index| std::cmp::Reverse(variants[index].size));
    match order[..] {
        [largest, second, ..] if variants[largest].size > variants[second].size + MAX_EXCESS => Some(largest),
        _ => None,
    }
}

fn parts(kind: &TypeKind) -> Parts {
    match kind {
        TypeKind::Struct { fields, undeclared, .. } => Parts::Struct(
            fields.iter().map(|f| (f.ty.clone(), f.presence, f.boxed)).collect(),
            matches!(undeclared, super::Undeclared::Kept(_)),
        ),
        TypeKind::Tagged { variants, .. } => Parts::Union {
            members: variants.iter().map(|v| (v.variant.ty.clone(), v.variant.boxed)).collect(),
            unknown: true,
        },
        TypeKind::Untagged { variants, unmatched } => Parts::Union {
            members: variants.iter().map(|v| (v.ty.clone(), v.boxed)).collect(),
            unknown: *unmatched == super::Unmatched::Kept,
        },
        TypeKind::StringEnum { values } => Parts::StringEnum(values.len()),
        TypeKind::Alias(ty) => Parts::Alias(ty.clone()),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::mem::{align_of, size_of};

    use super::*;
    use crate::model::ident::Ident;
    use crate::model::{Field, MemberShape, TaggedVariant, UnionVariant, Unmatched};

    // The only places that spell out IR structs: fields added to them change these two alone.
    fn def(name: &str, kind: TypeKind) -> TypeDef {
        TypeDef {
            name: Ident::new(name),
            origin: format!("#/components/schemas/{name}"),
            docs: None,
            kind,
            required_type: None,
            derives: Vec::new(),
            replacement: None,
        }
    }

    fn field(index: usize, ty: TypeRef, presence: Presence) -> Field {
        let name = Ident::new(format!("f{index}"));
        Field { setter: name.clone(), wire_name: name.to_string(), name, ty, presence, boxed: false, docs: None }
    }

    fn member(ty: TypeRef) -> UnionVariant {
        UnionVariant { name: Ident::new("M"), ty, boxed: false, shape: MemberShape::Any }
    }

    fn fields(types: impl IntoIterator<Item = (TypeRef, Presence)>) -> TypeKind {
        TypeKind::Struct {
            fields: types.into_iter().enumerate().map(|(i, (ty, p))| field(i, ty, p)).collect(),
            tag: None,
            undeclared: crate::model::Undeclared::Dropped,
        }
    }

    /// A struct of `count` required `String`s: `24 * count` bytes.
    fn strings(count: usize) -> TypeKind {
        fields(std::iter::repeat_n((TypeRef::String, Presence::Required), count))
    }

    fn tagged(members: &[usize]) -> TypeKind {
        let variants = members
            .iter()
            .map(|&id| TaggedVariant { tags: vec![format!("t{id}")], variant: member(TypeRef::Named(TypeId(id))) })
            .collect();
        TypeKind::Tagged { property: "type".into(), variants }
    }

    fn untagged(members: impl IntoIterator<Item = TypeRef>, unmatched: Unmatched) -> TypeKind {
        TypeKind::Untagged { variants: members.into_iter().map(member).collect(), unmatched }
    }

    fn named(ids: &[usize]) -> Vec<TypeRef> {
        ids.iter().map(|&id| TypeRef::Named(TypeId(id))).collect()
    }

    fn boxed(def: &TypeDef) -> Vec<bool> {
        match &def.kind {
            TypeKind::Tagged { variants, .. } => variants.iter().map(|v| v.variant.boxed).collect(),
            TypeKind::Untagged { variants, .. } => variants.iter().map(|v| v.boxed).collect(),
            other => panic!("not a union: {other:?}"),
        }
    }

    /// Which of [`BUILDS`] this test binary is compiled with.
    fn this_build() -> usize {
        BUILDS.iter().position(|json| json.value.size == size_of::<serde_json::Value>() as u64).unwrap()
    }

    #[test]
    fn a_big_member_is_boxed() {
        let mut defs = vec![def("Small", strings(3)), def("Big", strings(40)), def("U", tagged(&[0, 1]))];
        box_large_variants(&mut defs);
        assert_eq!(boxed(&defs[2]), [false, true]);
    }

    #[test]
    fn members_of_similar_size_stay_unboxed() {
        let mut defs = vec![def("A", strings(40)), def("B", strings(38)), def("U", tagged(&[0, 1]))];
        box_large_variants(&mut defs);
        assert_eq!(boxed(&defs[2]), [false, false]);
    }

    #[test]
    fn nested_structs_add_up() {
        #[allow(dead_code)]
        struct Inner(String, i32, bool);
        #[allow(dead_code)]
        struct Outer(
            Inner,
            Option<Inner>,
            Option<Option<Inner>>,
            Option<i64>,
            Option<Option<bool>>,
            Vec<Inner>,
            String,
        );
        #[allow(dead_code)]
        struct Maps(BTreeMap<String, Inner>, Option<BTreeMap<String, i64>>, Option<f32>, Option<u8>, i16);
        use Presence::*;
        let inner = || TypeRef::Named(TypeId(0));
        let mut defs = vec![
            def(
                "Inner",
                fields([
                    (TypeRef::String, Required),
                    (TypeRef::Int(IntKind::I32), Required),
                    (TypeRef::Bool, Required),
                ]),
            ),
            def(
                "Outer",
                fields([
                    (inner(), Required),
                    (inner(), Optional),
                    (inner(), OptionalNullable),
                    (TypeRef::Int(IntKind::I64), RequiredNullable),
                    (TypeRef::Bool, OptionalNullable),
                    (TypeRef::Vec(Box::new(inner())), Required),
                    (TypeRef::String, Required),
                ]),
            ),
            def(
                "Maps",
                fields([
                    (TypeRef::Map(Box::new(inner())), Required),
                    (TypeRef::Map(Box::new(TypeRef::Int(IntKind::I64))), Optional),
                    (TypeRef::Float(FloatKind::F32), Optional),
                    (TypeRef::Option(Box::new(TypeRef::Int(IntKind::U8))), Required),
                    (TypeRef::Int(IntKind::I16), Required),
                ]),
            ),
            // Inner and Outer differ by 136 bytes: within bounds with preserve_order (where
            // `Unknown` is 72 bytes), not with serde_json's default build (32).
            def("U", tagged(&[0, 1])),
        ];
        let layouts = layouts(&mut defs);
        for (index, size) in [(0, size_of::<Inner>()), (1, size_of::<Outer>()), (2, size_of::<Maps>())] {
            assert_eq!(layouts[index], both(layouts[index][0]), "{index}");
            assert_eq!(layouts[index][0].size, size as u64, "{index}");
        }
        assert_eq!(layouts[1][0].size, 168);
        assert_eq!(boxed(&defs[3]), [false, true]);
    }

    #[test]
    fn kept_undeclared_properties_count_their_field() {
        #[allow(dead_code)]
        struct Open(String, i32, Option<Box<serde_json::Map<String, serde_json::Value>>>);
        let mut open = def(
            "Open",
            fields([(TypeRef::String, Presence::Required), (TypeRef::Int(IntKind::I32), Presence::Required)]),
        );
        let TypeKind::Struct { undeclared, .. } = &mut open.kind else { unreachable!() };
        *undeclared = crate::model::Undeclared::Kept(Ident::new("extra"));
        let layouts = layouts(&mut [open]);
        assert_eq!(layouts[0][0].size, size_of::<Open>() as u64);
        assert_eq!(layouts[0][0].size, 40);
    }

    #[test]
    fn recursion_boxed_slots_count_a_pointer() {
        #[allow(dead_code)]
        struct Node(String, Option<Box<Node>>, Box<Node>);
        let mut node = def(
            "Node",
            fields([
                (TypeRef::String, Presence::Required),
                (TypeRef::Named(TypeId(0)), Presence::Optional),
                (TypeRef::Named(TypeId(0)), Presence::Required),
            ]),
        );
        let TypeKind::Struct { fields, .. } = &mut node.kind else { unreachable!() };
        fields[1].boxed = true;
        fields[2].boxed = true;
        let mut tree = def("Tree", untagged(named(&[0, 2]), Unmatched::Refused));
        let TypeKind::Untagged { variants, .. } = &mut tree.kind else { unreachable!() };
        variants[1].boxed = true;
        let mut defs = vec![node, tree, def("Big", strings(40))];
        let layouts = layouts(&mut defs);
        assert_eq!(layouts[0], both(Layout::new(size_of::<Node>() as u64, 8, CAPACITY_NICHES)));
        assert_eq!(layouts[0][0].size, 40);
        // Node (40 bytes) against a boxed Big: nothing to add, and the recursion's box stays.
        assert_eq!(boxed(&defs[1]), [false, true]);
    }

    #[test]
    fn unknown_counts_as_a_variant() {
        let mid = || TypeRef::Named(TypeId(0));
        let mut defs = vec![
            def("Mid", strings(9)),
            def("Tagged", tagged(&[0])),
            def("Kept", untagged([mid()], Unmatched::Kept)),
            def("Refused", untagged([mid()], Unmatched::Refused)),
            def("Scalar", untagged([mid(), TypeRef::Int(IntKind::I64)], Unmatched::Refused)),
        ];
        box_large_variants(&mut defs);
        // 216 bytes against `Unknown`'s 32 (or 72): boxed, but a lone member has nothing to match.
        assert_eq!(boxed(&defs[1]), [true]);
        assert_eq!(boxed(&defs[2]), [true]);
        assert_eq!(boxed(&defs[3]), [false]);
        assert_eq!(boxed(&defs[4]), [true, false]);
    }

    #[test]
    fn both_serde_json_builds_must_pass() {
        let json = std::iter::repeat_n((TypeRef::Json, Presence::Required), 5);
        let mut defs = vec![
            def("Json", fields(json)),
            def("Pair", strings(2)),
            def("U", untagged(named(&[0, 1]), Unmatched::Refused)),
        ];
        let layouts = layouts(&mut defs);
        assert_eq!([layouts[0][0].size, layouts[0][1].size], [160, 360]);
        // 112 bytes over Pair with the default build, 312 with preserve_order.
        assert_eq!(boxed(&defs[2]), [true, false]);
    }

    #[test]
    fn the_largest_is_boxed_first_until_the_rest_fit() {
        let mut defs = vec![
            def("A", strings(25)),
            def("B", strings(17)),
            def("C", strings(1)),
            def("D", strings(20)),
            // 600 over 408 boxes A, then 408 over 24 boxes B.
            def("ABC", untagged(named(&[0, 1, 2]), Unmatched::Refused)),
            // 600 over 480: only the two largest count.
            def("ADC", untagged(named(&[0, 3, 2]), Unmatched::Refused)),
            // Equal largest: no excess.
            def("AAC", untagged(named(&[0, 0, 2]), Unmatched::Refused)),
        ];
        box_large_variants(&mut defs);
        assert_eq!(boxed(&defs[4]), [true, true, false]);
        assert_eq!(boxed(&defs[5]), [false, false, false]);
        assert_eq!(boxed(&defs[6]), [false, false, false]);
    }

    #[test]
    fn a_union_holds_its_members_after_their_own_boxing() {
        // Listed before the union it holds, so the walk reaches it first.
        let mut defs = vec![
            def("Outer", untagged([TypeRef::Named(TypeId(1)), TypeRef::Int(IntKind::I64)], Unmatched::Refused)),
            def("Inner", tagged(&[2, 3])),
            def("Big", strings(40)),
            def("Small", strings(3)),
        ];
        let layouts = layouts(&mut defs);
        assert_eq!(boxed(&defs[1]), [true, false]);
        // Inner is now Small (72) or `Unknown` (72 at most) behind a tag: 80 bytes, so Outer fits.
        assert_eq!(layouts[1][1].size, 80);
        assert_eq!(boxed(&defs[0]), [false, false]);
    }

    #[test]
    fn enums_are_estimated_from_above_by_at_most_a_tag() {
        #[allow(dead_code)]
        struct Pair(String, i32);
        #[allow(dead_code)]
        enum Union {
            A(Pair),
            B(i64),
            C(bool),
            Unknown(serde_json::Value),
        }
        #[allow(dead_code)]
        enum Scalars {
            A(i64),
            B(bool),
        }
        #[allow(dead_code)]
        enum Strings {
            A,
            B,
            Unknown(String),
        }
        let pair = fields([(TypeRef::String, Presence::Required), (TypeRef::Int(IntKind::I32), Presence::Required)]);
        let mut defs = vec![
            def("Pair", pair),
            def(
                "Union",
                untagged([TypeRef::Named(TypeId(0)), TypeRef::Int(IntKind::I64), TypeRef::Bool], Unmatched::Kept),
            ),
            def("Scalars", untagged([TypeRef::Int(IntKind::I64), TypeRef::Bool], Unmatched::Refused)),
            def("Strings", TypeKind::StringEnum { values: Vec::new() }),
        ];
        let TypeKind::StringEnum { values } = &mut defs[3].kind else { unreachable!() };
        values.extend(["a", "b"].map(|v| crate::model::EnumValue { name: Ident::new(v), wire: v.into(), docs: None }));
        let layouts = layouts(&mut defs);
        let build = this_build();
        for (index, real) in [(1, size_of::<Union>()), (2, size_of::<Scalars>())] {
            let estimate = layouts[index][build].size;
            assert!((real as u64..=real as u64 + 8).contains(&estimate), "{index}: {estimate} for {real}");
        }
        assert_eq!(layouts[3][build].size, size_of::<Strings>() as u64);
        assert_eq!(layouts[3][build].option().size, size_of::<Option<Strings>>() as u64);
    }

    /// The measured table still matches the compiler and serde_json this crate builds with.
    #[test]
    fn the_table_matches_this_build() {
        macro_rules! check {
            ($($ty:ty => $layout:expr),* $(,)?) => {$(
                let layout: Layout = $layout;
                let real = (size_of::<$ty>() as u64, align_of::<$ty>() as u64);
                assert_eq!((layout.size, layout.align), real, "{}", stringify!($ty));
            )*};
        }
        let [int8, int16, int32, int64] = [1, 2, 4, 8].map(|size| scalar(size)[0]);
        check! {
            String => VEC,
            Option<String> => VEC.option(),
            Option<Option<String>> => VEC.option().option(),
            Vec<u8> => VEC,
            Option<Option<Vec<u8>>> => VEC.option().option(),
            BTreeMap<String, String> => BTREE_MAP,
            Option<BTreeMap<String, String>> => BTREE_MAP.option(),
            Option<Option<BTreeMap<String, String>>> => BTREE_MAP.option().option(),
            Box<String> => BOX,
            Option<Box<String>> => BOX.option(),
            Option<Option<Box<String>>> => BOX.option().option(),
            bool => BOOL,
            Option<bool> => BOOL.option(),
            Option<Option<bool>> => BOOL.option().option(),
            u8 => int8,
            Option<u8> => int8.option(),
            i16 => int16,
            Option<i16> => int16.option(),
            i32 => int32,
            Option<i32> => int32.option(),
            f32 => int32,
            i64 => int64,
            Option<i64> => int64.option(),
            Option<Option<i64>> => int64.option().option(),
            f64 => int64,
            Option<f64> => int64.option(),
            chrono::DateTime<chrono::Utc> => DATE_TIME,
            Option<chrono::DateTime<chrono::Utc>> => DATE_TIME.option(),
            chrono::NaiveDate => DATE,
            Option<chrono::NaiveDate> => DATE.option(),
            uuid::Uuid => UUID,
            Option<uuid::Uuid> => UUID.option(),
            Option<Box<serde_json::Map<String, serde_json::Value>>> => EXTRAS,
        }
        let json = BUILDS[this_build()];
        check! {
            serde_json::Value => json.value,
            Option<serde_json::Value> => json.value.option(),
            Option<Option<serde_json::Value>> => json.value.option().option(),
            serde_json::Map<String, serde_json::Value> => json.object,
            Option<serde_json::Map<String, serde_json::Value>> => json.object.option(),
            Option<Option<serde_json::Map<String, serde_json::Value>>> => json.object.option().option(),
        }
    }
}
