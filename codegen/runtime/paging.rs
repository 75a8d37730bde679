//! Paginated listings as streams: pages lazily, one request in flight, and their items.
//!
//! The generated code says how one page leads to the next (a cursor in the body, a `Link`
//! header); this module walks the pages and guards the walk: a server that names a next page it
//! already named is an error, never an endless loop.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use reqwest::header::{HeaderMap, LINK};

use super::response::{Error, Response};

/// Pages, lazily, one request in flight: `send` sends a request builder, `next` reads a page and
/// gives the cursor it names and the request for the page after it (`None`: this was the last).
///
/// Generated code writes `runtime::pages(self, Self::send, |request, page| ...)`, where `self`
/// is an operation's request builder; the stream may borrow the client (`'a`).
///
/// A page that names a cursor an earlier page named is given, then an [`Error::Pagination`]
/// item ends the stream. An error item (a failed request, an error status) also ends it.
pub fn pages<'a, B, P, E, F, Fut>(first: B, send: F, next: NextRequest<B, P>) -> Pages<'a, P, E>
where
    B: Clone + Send + 'a,
    F: Fn(B) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Response<P>, Error<E>>> + Send + 'a,
    P: 'a,
    E: Send + 'a,
{
    // The first page's call made in the walk's span, as the later pages' are: a call's span is
    // made with the call.
    #[cfg(feature = "tracing")]
    let span = super::trace::pages_span();
    #[cfg(feature = "tracing")]
    let sending = span.in_scope(|| Box::pin(send(first.clone())));
    #[cfg(not(feature = "tracing"))]
    let sending = Box::pin(send(first.clone()));
    let walk = Walk { send, next, state: State::Sending { request: first, page: sending }, cursors: HashSet::new() };
    Pages {
        walk: Box::new(walk),
        #[cfg(feature = "tracing")]
        span,
        #[cfg(feature = "tracing")]
        pages: 0,
    }
}

/// How a page leads to the next: the cursor it names and the request for the page after it, or
/// `None` after the last. A function, not a closure's generic type: every paging operation's
/// `pages` infers one type fewer, and what it reads from the page needs nothing else.
pub type NextRequest<B, P> = fn(&B, &Response<P>) -> Option<(String, B)>;

/// The items of every page, lazily, one page in flight: `items_of` takes a page's items out of
/// its body. Ends where the pages end; an error item ends it too.
pub fn items<'a, P, I, E>(pages: Pages<'a, P, E>, items_of: fn(P) -> Vec<I>) -> Items<'a, I, E>
where
    P: 'a,
    I: Send + 'a,
    E: 'a,
{
    Items { walk: Box::new(ItemWalk { pages, items_of, page: Vec::new().into_iter() }) }
}

/// The target of the `rel="next"` link among a response's `Link` headers (RFC 8288), as written
/// (it may be relative: see [`next_page_url`]). Several links per header and several headers are
/// read; the target must be in `<...>`; `rel` is matched without regard to case, quoted or not,
/// and may list several relations (`rel="next last"`).
pub fn link_next(headers: &HeaderMap) -> Option<String> {
    headers.get_all(LINK).iter().filter_map(|value| value.to_str().ok()).find_map(next_in)
}

/// The absolute URL of a page's `rel="next"` link: [`link_next`] resolved against the URL that
/// answered (RFC 3986). Send it with [`Client::request_url`](super::Client::request_url), which
/// refuses one on another origin.
pub fn next_page_url<T>(page: &Response<T>) -> Option<String> {
    let target = link_next(page.headers())?;
    page.url().join(&target).ok().map(String::from)
}

/// One header value's links: the first with `rel` `next`.
fn next_in(value: &str) -> Option<String> {
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_ascii_whitespace());
        let (target, after) = rest.strip_prefix('<')?.split_once('>')?;
        rest = after;
        let mut is_next = false;
        // Parameters: `; name=value`, `; name="quoted, \"escaped\""` or `; name`.
        loop {
            rest = rest.trim_start();
            let Some(after_semicolon) = rest.strip_prefix(';') else { break };
            rest = after_semicolon.trim_start();
            let name_end = rest.find(['=', ';', ',']).unwrap_or(rest.len());
            let name = rest[..name_end].trim();
            rest = &rest[name_end..];
            let mut param = String::new();
            if let Some(after_equals) = rest.strip_prefix('=') {
                rest = after_equals.trim_start();
                if let Some(quoted) = rest.strip_prefix('"') {
                    let mut chars = quoted.char_indices();
                    let mut end = quoted.len();
                    while let Some((i, c)) = chars.next() {
                        match c {
                            '\\' => param.extend(chars.next().map(|(_, escaped)| escaped)),
                            '"' => {
                                end = i + 1;
                                break;
                            }
                            c => param.push(c),
                        }
                    }
                    rest = &quoted[end..];
                } else {
                    let end = rest.find([';', ',']).unwrap_or(rest.len());
                    param = rest[..end].trim().to_string();
                    rest = &rest[end..];
                }
            }
            if name.eq_ignore_ascii_case("rel") {
                is_next |= param.split_ascii_whitespace().any(|rel| rel.eq_ignore_ascii_case("next"));
            }
        }
        if is_next {
            return Some(target.trim().to_string());
        }
    }
}

/// A stream of pages (see [`pages`]): a [`Stream`], also readable without any stream library
/// through [`Pages::next`].
pub struct Pages<'a, P, E> {
    walk: Box<dyn NextPage<P, E> + Send + 'a>,
    /// The walk's span: each page's call is made in it.
    #[cfg(feature = "tracing")]
    span: tracing::Span,
    #[cfg(feature = "tracing")]
    pages: u64,
}

impl<P, E> fmt::Debug for Pages<'_, P, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

impl<'a, P: 'a, E: 'a> Pages<'a, P, E> {
    /// The next page, an error, or `None` after the last page.
    pub async fn next(&mut self) -> Option<Result<Response<P>, Error<E>>> {
        std::future::poll_fn(|cx| self.poll_page(cx)).await
    }

    /// The items of every page (see [`items`]).
    pub fn items<I: Send + 'a>(self, items_of: fn(P) -> Vec<I>) -> Items<'a, I, E> {
        items(self, items_of)
    }
}

impl<P, E> Pages<'_, P, E> {
    /// The walk's next step, in the walk's span.
    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Response<P>, Error<E>>>> {
        #[cfg(feature = "tracing")]
        {
            let page = self.span.in_scope(|| self.walk.poll_page(cx));
            if let Poll::Ready(Some(Ok(_))) = &page {
                self.pages += 1;
                self.span.record("pages", self.pages);
            }
            page
        }
        #[cfg(not(feature = "tracing"))]
        self.walk.poll_page(cx)
    }
}

impl<P, E> Stream for Pages<'_, P, E> {
    type Item = Result<Response<P>, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_page(cx)
    }
}

/// A stream of items across pages (see [`items`]): a [`Stream`], also readable through
/// [`Items::next`].
pub struct Items<'a, I, E> {
    walk: Box<dyn NextItem<I, E> + Send + 'a>,
}

impl<I, E> fmt::Debug for Items<'_, I, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items").finish_non_exhaustive()
    }
}

impl<I, E> Items<'_, I, E> {
    /// The next item, an error, or `None` after the last page's last item.
    pub async fn next(&mut self) -> Option<Result<I, Error<E>>> {
        std::future::poll_fn(|cx| self.walk.poll_item(cx)).await
    }
}

impl<I, E> Stream for Items<'_, I, E> {
    type Item = Result<I, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().walk.poll_item(cx)
    }
}

/// The walk behind [`Pages`], its types erased so that `Pages` can be named.
trait NextPage<P, E> {
    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Response<P>, Error<E>>>>;
}

struct Walk<B, F, Fut, N, E> {
    send: F,
    next: N,
    state: State<B, Fut, E>,
    /// Every cursor named so far.
    cursors: HashSet<String>,
}

enum State<B, Fut, E> {
    /// The request for a page, and its answer on the way (sent when first polled).
    Sending {
        request: B,
        page: Pin<Box<Fut>>,
    },
    /// The page given last named a cursor seen before: this error comes next.
    Looping(Error<E>),
    Done,
}

impl<B, P, E, F, Fut, N> NextPage<P, E> for Walk<B, F, Fut, N, E>
where
    B: Clone,
    F: Fn(B) -> Fut,
    Fut: Future<Output = Result<Response<P>, Error<E>>>,
    N: Fn(&B, &Response<P>) -> Option<(String, B)>,
{
    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Response<P>, Error<E>>>> {
        let (request, mut sending) = match std::mem::replace(&mut self.state, State::Done) {
            State::Done => return Poll::Ready(None),
            State::Looping(error) => return Poll::Ready(Some(Err(error))),
            State::Sending { request, page } => (request, page),
        };
        let page = match sending.as_mut().poll(cx) {
            Poll::Pending => {
                self.state = State::Sending { request, page: sending };
                return Poll::Pending;
            }
            Poll::Ready(Err(error)) => return Poll::Ready(Some(Err(error))),
            Poll::Ready(Ok(page)) => page,
        };
        if let Some((cursor, following)) = (self.next)(&request, &page) {
            self.state = if self.cursors.insert(cursor) {
                State::Sending { page: Box::pin((self.send)(following.clone())), request: following }
            } else {
                // The cursor is not quoted: a next-page URL may carry a credential.
                let pages = self.cursors.len() + 1;
                State::Looping(Error::Pagination(format!(
                    "page {pages} names as the next page one that an earlier page named; following it would loop"
                )))
            };
        }
        Poll::Ready(Some(Ok(page)))
    }
}

/// The walk behind [`Items`].
trait NextItem<I, E> {
    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<I, Error<E>>>>;
}

struct ItemWalk<'a, P, I, E, G> {
    pages: Pages<'a, P, E>,
    items_of: G,
    /// The items of the current page not given yet.
    page: std::vec::IntoIter<I>,
}

impl<P, I, E, G: Fn(P) -> Vec<I>> NextItem<I, E> for ItemWalk<'_, P, I, E, G> {
    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<I, Error<E>>>> {
        loop {
            if let Some(item) = self.page.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match std::task::ready!(self.pages.poll_page(cx)) {
                Some(Ok(page)) => self.page = (self.items_of)(page.into_body()).into_iter(),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                None => return Poll::Ready(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::task::Waker;

    use reqwest::header::HeaderValue;
    use reqwest::{StatusCode, Url};

    use super::*;

    #[test]
    fn link_next_finds_next_among_links_quoted_or_not() {
        let next = |values: &[&str]| {
            let mut headers = HeaderMap::new();
            for value in values {
                headers.append(LINK, HeaderValue::from_str(value).unwrap());
            }
            link_next(&headers)
        };
        let github = r#"<https://api.x.com/r?page=1>; rel="prev", <https://api.x.com/r?page=3>; rel="next", <https://api.x.com/r?page=9>; rel="last""#;
        assert_eq!(next(&[github]).as_deref(), Some("https://api.x.com/r?page=3"));
        assert_eq!(next(&["</items?page=2>; rel=next"]).as_deref(), Some("/items?page=2"));
        assert_eq!(next(&["</a>; rel=\"NEXT\""]).as_deref(), Some("/a"), "relation types are case-insensitive");
        assert_eq!(next(&["</a>; rel=\"last next\"; title=\"a, b; c\""]).as_deref(), Some("/a"));
        assert_eq!(next(&["</a>; title=\"rel=next\"; rel=prev, </b>;rel=next"]).as_deref(), Some("/b"));
        assert_eq!(next(&["</a>; rel=prev", "</b>; rel=next"]).as_deref(), Some("/b"), "several headers");
        assert_eq!(next(&["</a>; rel=\"next-page\""]), None);
        assert_eq!(next(&["</a>; rel=prev"]), None);
        assert_eq!(next(&["garbage"]), None);
        assert_eq!(next(&["<unclosed; rel=next"]), None);
        assert_eq!(next(&[]), None);
    }

    /// A page listing `items` whose body says which page comes next.
    fn page(items: Vec<u32>, next: Option<&str>) -> Response<(Vec<u32>, Option<String>)> {
        let url = Url::parse("http://127.0.0.1/items").unwrap();
        Response::new(StatusCode::OK, HeaderMap::new(), url, (items, next.map(str::to_string)))
    }

    type Page = Response<(Vec<u32>, Option<String>)>;

    /// Drives a stream whose futures are ready at once (no I/O), collecting every item.
    fn collect<T>(stream: &mut (impl Stream<Item = T> + Unpin)) -> Vec<T> {
        let mut cx = Context::from_waker(Waker::noop());
        let mut items = Vec::new();
        while let Poll::Ready(Some(item)) = Pin::new(&mut *stream).poll_next(&mut cx) {
            items.push(item);
        }
        items
    }

    /// The answer to the request for the page at a cursor (`None`: the first page).
    type Answer = (Option<&'static str>, Result<Page, Error<()>>);

    /// A server of canned pages by cursor; each answer is given once.
    fn server(answers: Vec<Answer>) -> impl Fn(Option<String>) -> Fut {
        let answers = Arc::new(Mutex::new(answers));
        move |cursor| {
            let mut answers = answers.lock().unwrap();
            let at = answers.iter().position(|(wanted, _)| wanted.map(str::to_string) == cursor).unwrap();
            std::future::ready(answers.remove(at).1)
        }
    }

    type Fut = std::future::Ready<Result<Page, Error<()>>>;

    fn by_cursor(_: &Option<String>, page: &Page) -> Option<(String, Option<String>)> {
        page.1.clone().map(|cursor| (cursor.clone(), Some(cursor)))
    }

    #[test]
    fn pages_follow_cursors_to_the_last_page() {
        let send = server(vec![
            (None, Ok(page(vec![1, 2], Some("b")))),
            (Some("b"), Ok(page(vec![], Some("c")))),
            (Some("c"), Ok(page(vec![3], None))),
        ]);
        let mut all = items(pages(None, send, by_cursor), |(items, _)| items);
        let got: Vec<u32> = collect(&mut all).into_iter().map(Result::unwrap).collect();
        assert_eq!(got, [1, 2, 3], "an empty page in the middle is skipped");
    }

    #[test]
    fn a_cursor_named_twice_is_an_error_not_a_loop() {
        let send = server(vec![
            (None, Ok(page(vec![1], Some("b")))),
            (Some("b"), Ok(page(vec![2], Some("c")))),
            (Some("c"), Ok(page(vec![3], Some("b")))),
        ]);
        let got = collect(&mut pages(None, send, by_cursor));
        assert_eq!(got.len(), 4, "three pages, then the error: {got:?}");
        assert!(got[..3].iter().all(Result::is_ok));
        let Err(Error::Pagination(message)) = &got[3] else { panic!("{:?}", got[3]) };
        assert!(message.contains("page 3"), "{message}");
    }

    #[test]
    fn an_error_ends_the_pages() {
        let send = server(vec![
            (None, Ok(page(vec![1], Some("b")))),
            (Some("b"), Err(Error::Pagination("boom".into()))),
            (Some("c"), Ok(page(vec![3], None))),
        ]);
        let got = collect(&mut pages(None, send, by_cursor));
        assert_eq!(got.len(), 2);
        assert!(matches!(&got[1], Err(Error::Pagination(m)) if m == "boom"));
    }
}
