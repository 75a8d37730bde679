//! `pages()` and `items()` on the request builder of an operation that pages: streams that ask
//! for the next page once the last is read, built on `runtime::pages`, from the same builder the
//! single call uses, with all its parameters.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::own_doc_attrs;
use super::responses::success_type;
use super::tokens::{Paths, RESPONSES, RUNTIME, ident};
use crate::model::{Api, FieldPath, NextPage, Operation, Pagination, Presence};

/// The two methods, for a builder whose operation pages.
pub fn paging_methods(api: &Api, op: &Operation, pagination: &Pagination) -> TokenStream {
    let error_type = ident(&op.error_type);
    let page_type = success_type(api, op);
    let item_type = Paths::outside().type_of(api, &pagination.item_ty);
    let next = next_request(op, pagination);
    let items = owned_items(&pagination.items);
    let how = describe(op, pagination);
    let pages_docs = own_doc_attrs(&format!(
        "Every page, lazily, one request in flight: the next is asked for once this one is read. {how} \
         A cursor the server already gave is an error, never an endless loop."
    ));
    let items_docs = own_doc_attrs(&format!(
        "Every item of every page ([`pages`](Self::pages)), lazily: `{}` of each page.",
        if pagination.items.0.is_empty() { "the page".to_string() } else { pagination.items.wire() }
    ));
    quote! {
        #pages_docs
        #[inline]
        pub fn pages(self) -> #RUNTIME::Pages<'a, #page_type, #RESPONSES::#error_type> {
            #RUNTIME::pages(self, Self::send, |request, page| #next)
        }

        #items_docs
        #[inline]
        pub fn items(self) -> #RUNTIME::Items<'a, #item_type, #RESPONSES::#error_type> {
            self.pages().items(|page| #items)
        }
    }
}

/// How the pages follow each other, for the docs.
pub fn describe(op: &Operation, pagination: &Pagination) -> String {
    match &pagination.next {
        NextPage::Cursor { param, field, has_more } => format!(
            "The next page is asked for with `{}` set to the page's `{}`; pages stop when it is absent or \
             empty{}.",
            op.params[*param].wire_name,
            field.wire(),
            has_more.as_ref().map(|h| format!(" or `{}` is false", h.wire())).unwrap_or_default()
        ),
        NextPage::LastItem { param, id, has_more } => format!(
            "The next page is asked for with `{}` set to the `{}` of the page's last item, while `{}` is true.",
            op.params[*param].wire_name,
            id.wire(),
            has_more.wire()
        ),
        NextPage::Url { field: Some(field) } => {
            format!("The next page is the URL the page gives in `{}`; pages stop when it is absent.", field.wire())
        }
        NextPage::Url { field: None } => {
            "The next page is the URL of the response's `Link: <..>; rel=\"next\"` header; pages stop without one."
                .to_string()
        }
    }
}

/// The body of the closure that gives the next page's cursor and request, or `None` at the end.
fn next_request(op: &Operation, pagination: &Pagination) -> TokenStream {
    // With a cursor, only an explicit `false` ends the pages (the cursor's absence does too);
    // without one, only an explicit `true` goes on.
    let stop_unless_more = |has_more: &FieldPath| {
        let flag = borrowed(quote!(page.body()), has_more);
        quote! {
            if #flag.copied() != Some(true) {
                return None;
            }
        }
    };
    let stop_if_no_more = |has_more: &FieldPath| {
        let flag = borrowed(quote!(page.body()), has_more);
        quote! {
            if #flag.copied() == Some(false) {
                return None;
            }
        }
    };
    match &pagination.next {
        NextPage::Cursor { param, field, has_more } => {
            let setter = ident(&op.params[*param].name);
            let value = cursor_value(op, *param);
            let check = has_more.as_ref().map(stop_if_no_more);
            let cursor = borrowed(quote!(page.body()), field);
            quote! {{
                #check
                let cursor = #cursor.cloned().filter(|cursor| !cursor.is_empty())?;
                Some((cursor.clone(), request.clone().#setter(#value)))
            }}
        }
        NextPage::LastItem { param, id, has_more } => {
            let setter = ident(&op.params[*param].name);
            let value = cursor_value(op, *param);
            let check = stop_unless_more(has_more);
            let items = borrowed(quote!(page.body()), &pagination.items);
            let id = borrowed(quote!(last), id);
            quote! {{
                #check
                let last = #items?.last()?;
                let cursor = #id.cloned().filter(|cursor| !cursor.is_empty())?;
                Some((cursor.clone(), request.clone().#setter(#value)))
            }}
        }
        NextPage::Url { field } => {
            let url = match field {
                // Relative URLs resolve against the URL that answered.
                Some(field) => {
                    let next = borrowed(quote!(page.body()), field);
                    quote!(page.url().join(#next?).ok()?.to_string())
                }
                None => quote!(#RUNTIME::next_page_url(page)?),
            };
            quote! {{
                let url = #url;
                let mut next = request.clone();
                next.next_url = Some(url.clone());
                Some((url, next))
            }}
        }
    }
}

/// The cursor as the parameter's setter takes it: `Some(cursor)` for a nullable parameter.
fn cursor_value(op: &Operation, param: usize) -> TokenStream {
    match op.params[param].ty {
        crate::model::TypeRef::Option(_) => quote!(Some(cursor)),
        _ => quote!(cursor),
    }
}

/// An expression of type `Option<&T>` for the field at `path` inside `root` (a reference).
/// Fields reached through required fields only are read in place (`page.body().meta.next`), and
/// `Option`'s combinators start at the first field that may be absent: what a person writes, and
/// fewer closures for the compiler to infer in every paging operation.
fn borrowed(root: TokenStream, path: &FieldPath) -> TokenStream {
    if path.0.is_empty() {
        return quote!(Some(#root));
    }
    // The value reached while no field on the way may be absent, then `Option<&_>` from the
    // first one that may be.
    let mut place = root;
    let mut optional: Option<TokenStream> = None;
    for step in &path.0 {
        let field = ident(&step.name);
        let (as_ref, nested) = match step.boxed {
            false => (quote!(as_ref), quote!(Option::as_ref)),
            true => (quote!(as_deref), quote!(Option::as_deref)),
        };
        let Some(expr) = optional.take() else {
            match step.presence {
                // A boxed field is read through its box.
                Presence::Required if step.boxed => place = quote!((*#place.#field)),
                Presence::Required => place = quote!(#place.#field),
                Presence::Optional | Presence::RequiredNullable => optional = Some(quote!(#place.#field.#as_ref())),
                Presence::OptionalNullable => optional = Some(quote!(#place.#field.as_ref().and_then(#nested))),
            }
            continue;
        };
        optional = Some(match step.presence {
            Presence::Required if step.boxed => quote!(#expr.map(|v| v.#field.as_ref())),
            Presence::Required => quote!(#expr.map(|v| &v.#field)),
            Presence::Optional | Presence::RequiredNullable => quote!(#expr.and_then(|v| v.#field.#as_ref())),
            Presence::OptionalNullable => quote!(#expr.and_then(|v| v.#field.as_ref().and_then(#nested))),
        });
    }
    optional.unwrap_or_else(|| quote!(Some(&#place)))
}

/// An expression that moves a page's items out of `page` (owned), empty when absent.
fn owned_items(path: &FieldPath) -> TokenStream {
    if path.0.is_empty() {
        return quote!(page);
    }
    let mut expr = quote!(Some(page));
    for step in &path.0 {
        let field = ident(&step.name);
        let unboxed = if step.boxed { quote!(*v.#field) } else { quote!(v.#field) };
        expr = match step.presence {
            Presence::Required => quote!(#expr.map(|v| #unboxed)),
            Presence::Optional | Presence::RequiredNullable => {
                if step.boxed {
                    quote!(#expr.and_then(|v| v.#field.map(|b| *b)))
                } else {
                    quote!(#expr.and_then(|v| v.#field))
                }
            }
            Presence::OptionalNullable => quote!(#expr.and_then(|v| v.#field.flatten())),
        };
    }
    quote!(#expr.unwrap_or_default())
}
