//! A mock server per API, for tests of code that calls a generated client (the crate's `mock`
//! feature). It listens on loopback (wiremock), answers each operation as a test stubs it, with
//! typed values, and holds the server to the spec: a request no operation describes, or one that
//! lacks a required parameter or body, fails the test with a message naming the operation and
//! what is wrong (when the server is verified or dropped).
//!
//! Each API module's `mock` module holds one type per operation, which is also the request as
//! the server received it, decoded (its path, query and header parameters and its body), and
//! `start()`, which gives a [`MockServer`] for that API.

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub use wiremock::{Request, ResponseTemplate, Times};

/// An API as the mock server knows it: its operations, and how to point its client at a server.
pub trait MockApi: Sized + 'static {
    /// The client builder, already pointed at the mock server and given credentials.
    type Builder;
    /// Every operation of the API.
    #[doc(hidden)]
    const ROUTES: &'static [Route];
    /// A client builder for `base_url`, with a credential for every security scheme.
    #[doc(hidden)]
    fn builder(base_url: String) -> Self::Builder;
    /// The client `builder` makes.
    #[doc(hidden)]
    fn build(builder: Self::Builder) -> Self;
}

/// One operation of an API, for telling which operation a request was meant for. The generated
/// `MockApi` impls list them.
#[doc(hidden)]
pub struct Route {
    /// The client method's name.
    pub name: &'static str,
    pub method: &'static str,
    /// The path template, as the spec writes it (`/agents/{agentName}`).
    pub path: &'static str,
    /// Decodes a request to it, saying what the spec does not allow.
    pub check: fn(&Received<'_>) -> Result<(), String>,
}

impl Route {
    /// The route of the operation `O`, from its constants: the generated routes name the
    /// operation, not its name, method and path again.
    pub const fn of<O: MockOperation>() -> Route {
        Route { name: O::NAME, method: O::METHOD, path: O::PATH, check: check::<O> }
    }
}

/// An operation of an API: it is also the request the mock server received, decoded.
pub trait MockOperation: fmt::Debug + Sized + Send + Sync + 'static {
    /// The API it belongs to (its `Client`).
    type Api: MockApi;
    /// The client method's name.
    const NAME: &'static str;
    const METHOD: &'static str;
    /// The path template, as the spec writes it.
    const PATH: &'static str;
    /// Decodes a request to this operation; an error says what the spec does not allow.
    fn decode(request: &Received<'_>) -> Result<Self, String>;
}

/// Decodes a request to `O`, for [`Route::check`].
fn check<O: MockOperation>(request: &Received<'_>) -> Result<(), String> {
    O::decode(request).map(drop)
}

/// A mock server of one API, on `127.0.0.1` and a free port, stopped when dropped.
///
/// Dropping it (or [`verify`](MockServer::verify)) fails the test when a stub's expected call
/// count was not met or a request broke the spec.
pub struct MockServer<A: MockApi> {
    server: wiremock::MockServer,
    violations: Arc<Mutex<Vec<String>>>,
    api: PhantomData<fn() -> A>,
}

impl<A: MockApi> MockServer<A> {
    /// Starts a server that answers nothing yet: each operation answers once stubbed
    /// ([`stub`](MockServer::stub)); any other request is a violation.
    pub async fn start() -> Self {
        let server = wiremock::MockServer::start().await;
        let violations = Arc::new(Mutex::new(Vec::new()));
        let catch_all = SpecCheck { routes: A::ROUTES, violations: Arc::clone(&violations) };
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(catch_all)
            .with_priority(u8::MAX)
            .named("requests no stub answers")
            .mount(&server)
            .await;
        MockServer { server, violations, api: PhantomData }
    }

    /// The server's base URL (`http://127.0.0.1:<port>`).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// A client of the API pointed at this server, with a credential for every security scheme.
    pub fn client(&self) -> A {
        A::build(self.client_builder())
    }

    /// The builder of [`client`](MockServer::client), for more settings (timeouts, retries).
    pub fn client_builder(&self) -> A::Builder {
        A::builder(self.uri())
    }

    /// A stub of operation `O`: narrow which requests it answers, then give the answer.
    pub fn stub<O: MockOperation<Api = A>>(&self) -> Stub<'_, O> {
        Stub { server: self, predicates: Vec::new(), expect: None, delay: None, name: None }
    }

    /// The requests to operation `O` the server received, decoded, in order (those that do not
    /// decode are violations, and left out).
    pub async fn received<O: MockOperation<Api = A>>(&self) -> Vec<O> {
        let requests = self.server.received_requests().await.unwrap_or_default();
        requests
            .iter()
            .filter_map(|request| Received::of::<O>(request))
            .filter_map(|received| O::decode(&received).ok())
            .collect()
    }

    /// Fails (panics) when a stub's expected call count was not met or a request broke the spec.
    pub async fn verify(&self) {
        self.fail_on_violations();
        self.server.verify().await;
    }

    fn fail_on_violations(&self) {
        let violations = std::mem::take(&mut *self.violations.lock().unwrap_or_else(|e| e.into_inner()));
        if !violations.is_empty() {
            panic!("the mock server received requests the spec does not allow:\n- {}", violations.join("\n- "));
        }
    }
}

impl<A: MockApi> Drop for MockServer<A> {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.fail_on_violations();
        }
    }
}

impl<A: MockApi> fmt::Debug for MockServer<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer").field("uri", &self.server.uri()).finish_non_exhaustive()
    }
}

type Predicate<O> = Arc<dyn Fn(&O) -> bool + Send + Sync>;

/// How the mock server answers one operation: which of its requests (by default every one that
/// the spec allows), how many are expected, and (the method that mounts it) with what.
#[must_use = "a stub answers nothing until a `respond` method mounts it"]
pub struct Stub<'a, O: MockOperation> {
    server: &'a MockServer<O::Api>,
    predicates: Vec<Predicate<O>>,
    expect: Option<Times>,
    delay: Option<Duration>,
    name: Option<String>,
}

impl<'a, O: MockOperation> Stub<'a, O> {
    /// Answers only requests for which `predicate` holds, given the request decoded (its
    /// parameters and body as typed values). Several predicates must all hold.
    pub fn when(mut self, predicate: impl Fn(&O) -> bool + Send + Sync + 'static) -> Self {
        self.predicates.push(Arc::new(predicate));
        self
    }

    /// Expects this many matching requests (a number or a range), checked when the server is
    /// verified or dropped. A sequence of answers expects this many of each.
    pub fn expect(mut self, times: impl Into<Times>) -> Self {
        self.expect = Some(times.into());
        self
    }

    /// Waits this long before answering (to rehearse timeouts).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Names the stub in the failure messages of expected call counts.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Answers `status` with `body` as JSON.
    pub async fn respond_json(self, status: u16, body: &impl Serialize) {
        let template = json_template(status, body);
        self.respond(template).await;
    }

    /// Answers `status` without a body: a status the spec may not declare, say.
    pub async fn respond_status(self, status: u16) {
        self.respond(ResponseTemplate::new(status)).await;
    }

    /// Answers `status` with `body` as given (`content_type` names it): a body that drifts
    /// from the spec, to rehearse how the code under test copes.
    pub async fn respond_raw(self, status: u16, content_type: &str, body: impl Into<Vec<u8>>) {
        self.respond(ResponseTemplate::new(status).set_body_raw(body.into(), content_type)).await;
    }

    /// Answers `status` with server-sent events, one per item, its data the item as JSON, then
    /// the `done` sentinel's event when the API names one (`[DONE]`).
    pub async fn respond_events<T: Serialize>(self, status: u16, events: &[T], done: Option<&str>) {
        let texts: Vec<String> = events
            .iter()
            .map(|event| serde_json::to_string(event).unwrap_or_else(|e| panic!("an event of {}: {e}", O::NAME)))
            .collect();
        self.respond_text_events(status, &texts, done).await;
    }

    /// Answers `status` with server-sent events, one per item, its data the item's text, then
    /// the `done` sentinel's event when the API names one.
    pub async fn respond_text_events(self, status: u16, events: &[String], done: Option<&str>) {
        let mut body = String::new();
        for event in events.iter().map(String::as_str).chain(done) {
            for line in event.lines() {
                body.push_str("data: ");
                body.push_str(line);
                body.push('\n');
            }
            body.push('\n');
        }
        self.respond(ResponseTemplate::new(status).set_body_raw(body, "text/event-stream")).await;
    }

    /// Answers each matching request with the next of `answers`, in order (pages of a
    /// listing); a request after the last is a violation.
    pub async fn respond_sequence(self, answers: Vec<ResponseTemplate>) {
        for answer in answers {
            self.mock(answer).up_to_n_times(1).mount(&self.server.server).await;
        }
    }

    /// Answers with `template`, as wiremock builds responses (headers, delays).
    pub async fn respond(self, template: ResponseTemplate) {
        self.mock(template).mount(&self.server.server).await;
    }

    /// The requests to this operation the server received so far, decoded.
    pub async fn received(&self) -> Vec<O> {
        self.server.received::<O>().await
    }

    fn mock(&self, template: ResponseTemplate) -> wiremock::Mock {
        let template = match self.delay {
            Some(delay) => template.set_delay(delay),
            None => template,
        };
        let name = self.name.clone().unwrap_or_else(|| format!("{} ({} {})", O::NAME, O::METHOD, O::PATH));
        let mut mock = wiremock::Mock::given(OperationMatch::<O> { predicates: self.predicates.clone() })
            .respond_with(template)
            .named(name);
        if let Some(times) = &self.expect {
            mock = mock.expect(times.clone());
        }
        mock
    }
}

/// `status` with `body` as JSON.
#[doc(hidden)]
pub fn json_template(status: u16, body: &impl Serialize) -> ResponseTemplate {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|e| panic!("a mock response body: {e}"));
    ResponseTemplate::new(status).set_body_raw(bytes, "application/json")
}

/// Matches the requests to operation `O` that decode and that every predicate accepts.
struct OperationMatch<O> {
    predicates: Vec<Predicate<O>>,
}

impl<O: MockOperation> wiremock::Match for OperationMatch<O> {
    fn matches(&self, request: &Request) -> bool {
        let Some(received) = Received::of::<O>(request) else { return false };
        match O::decode(&received) {
            Ok(decoded) => self.predicates.iter().all(|predicate| predicate(&decoded)),
            Err(_) => false,
        }
    }
}

/// Answers what no stub answered, and records why: no operation has this route, a request to
/// one breaks the spec, or no stub of the operation takes it.
struct SpecCheck {
    routes: &'static [Route],
    violations: Arc<Mutex<Vec<String>>>,
}

impl wiremock::Respond for SpecCheck {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let shown = match request.url.query() {
            Some(query) => format!("{} {}?{query}", request.method, request.url.path()),
            None => format!("{} {}", request.method, request.url.path()),
        };
        let route = claiming_route(self.routes, request.method.as_str(), request.url.path())
            .and_then(|route| Some((route, path_params(route.path, request.url.path())?)));
        let message = match route {
            None => format!("{shown}: no operation of the API has this method and path"),
            Some((route, params)) => {
                let received = Received { request, path: params };
                match (route.check)(&received) {
                    Err(wrong) => format!("{} ({} {}): {wrong} (in {shown})", route.name, route.method, route.path),
                    Ok(()) => format!("{} ({} {}): no stub answers {shown}", route.name, route.method, route.path),
                }
            }
        };
        self.violations.lock().unwrap_or_else(|e| e.into_inner()).push(message.clone());
        ResponseTemplate::new(500).set_body_raw(format!("mock server: {message}"), "text/plain")
    }
}

/// The path parameters of `path` under `template`, or `None` when it does not fit.
fn path_params(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let template: Vec<&str> = template.trim_matches('/').split('/').collect();
    let path: Vec<&str> = path.trim_matches('/').split('/').collect();
    if template.len() != path.len() {
        return None;
    }
    let mut params = Vec::new();
    for (pattern, segment) in template.iter().zip(&path) {
        let segment = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
        match (pattern.find('{'), pattern.rfind('}')) {
            (Some(open), Some(close)) if open < close => {
                let (prefix, suffix) = (&pattern[..open], &pattern[close + 1..]);
                let value = segment.strip_prefix(prefix)?.strip_suffix(suffix)?;
                if value.is_empty() {
                    return None;
                }
                params.push((pattern[open + 1..close].to_string(), value.to_string()));
            }
            _ if *pattern == segment => {}
            _ => return None,
        }
    }
    Some(params)
}

/// How a query parameter's value is written (the spec's `style` and `explode`, or `content`):
/// what a generated `decode` tells [`Received::query`].
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryText {
    /// `name=1&name=2`.
    Exploded,
    /// `name=1,2` (or another delimiter).
    Delimited(&'static str),
    /// `name[key]=value`.
    DeepObject,
    /// The value as JSON text.
    Json,
}

/// A request the mock server received, with its path parameters taken out, for an operation's
/// `decode`.
pub struct Received<'r> {
    request: &'r Request,
    path: Vec<(String, String)>,
}

impl<'r> Received<'r> {
    /// The request, when it is for `O`'s method and path.
    fn of<O: MockOperation>(request: &'r Request) -> Option<Self> {
        if !O::METHOD.eq_ignore_ascii_case(request.method.as_str()) {
            return None;
        }
        let path = path_params(O::PATH, request.url.path())?;
        // A route with more literal segments claims the request (`/drives/jwks.json`).
        let claiming = claiming_route(O::Api::ROUTES, O::METHOD, request.url.path());
        let claimed = claiming.is_some_and(|route| literal_segments(route.path) > literal_segments(O::PATH));
        (!claimed).then_some(Received { request, path })
    }

    /// The path parameter `name`.
    pub fn path<T: DeserializeOwned>(&self, name: &str) -> Result<T, String> {
        let value = self.path.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        let value = value.ok_or_else(|| format!("the path parameter `{name}` is missing"))?;
        from_texts(vec![value]).map_err(|e| format!("the path parameter `{name}`: {e}"))
    }

    /// The query parameter `name`, when present.
    pub fn query<T: DeserializeOwned>(&self, name: &str, text: QueryText) -> Result<Option<T>, String> {
        let pairs = self.request.url.query_pairs();
        let decoded = match text {
            QueryText::DeepObject => {
                let prefix = format!("{name}[");
                let object: serde_json::Map<String, Value> = pairs
                    .filter_map(|(k, v)| {
                        let key = k.strip_prefix(prefix.as_str())?.strip_suffix(']')?.to_string();
                        Some((key, Value::String(v.into_owned())))
                    })
                    .collect();
                if object.is_empty() {
                    return Ok(None);
                }
                serde_json::from_value(Value::Object(object)).map_err(|e| e.to_string())
            }
            _ => {
                let mut values: Vec<String> = pairs.filter(|(k, _)| k == name).map(|(_, v)| v.into_owned()).collect();
                if values.is_empty() {
                    return Ok(None);
                }
                match text {
                    QueryText::Json => serde_json::from_str(&values[0]).map_err(|e| e.to_string()),
                    QueryText::Delimited(delimiter) if values.len() == 1 => {
                        from_delimited(&values.remove(0), delimiter)
                    }
                    _ => from_texts(values),
                }
            }
        };
        decoded.map(Some).map_err(|e| format!("the query parameter `{name}`: {e}"))
    }

    /// The header parameter `name`, when present.
    pub fn header<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, String> {
        let Some(value) = self.request.headers.get(name) else { return Ok(None) };
        let text = value.to_str().map_err(|_| format!("the header `{name}` is not text"))?;
        let decoded = from_texts(vec![text.to_string()]).or_else(|_| from_delimited(text, ","));
        decoded.map(Some).map_err(|e| format!("the header `{name}`: {e}"))
    }

    /// The body as JSON, when there is one.
    pub fn json_body<T: DeserializeOwned>(&self) -> Result<Option<T>, String> {
        if self.request.body.is_empty() {
            return Ok(None);
        }
        serde_json::from_slice(&self.request.body)
            .map(Some)
            .map_err(|e| format!("the body does not match the spec's schema: {e}"))
    }

    /// The body as text, when there is one.
    pub fn text_body(&self) -> Result<Option<String>, String> {
        if self.request.body.is_empty() {
            return Ok(None);
        }
        String::from_utf8(self.request.body.clone()).map(Some).map_err(|_| "the body is not UTF-8 text".to_string())
    }

    /// The body as bytes (forms and files), when there is one.
    pub fn raw_body(&self) -> Result<Option<Vec<u8>>, String> {
        Ok((!self.request.body.is_empty()).then(|| self.request.body.clone()))
    }

    /// The request as wiremock received it.
    pub fn request(&self) -> &Request {
        self.request
    }
}

/// A required input's value, or what is missing (`what`: "the query parameter `limit`").
#[doc(hidden)]
pub fn required<T>(value: Option<T>, what: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("{what} is required but missing"))
}

/// The route among `routes` that a request with `method` and `path` is meant for: of those that
/// fit, the one with the most literal segments (`/drives/jwks.json` over `/drives/{name}`).
fn claiming_route<'r>(routes: &'r [Route], method: &str, path: &str) -> Option<&'r Route> {
    routes
        .iter()
        .filter(|route| route.method.eq_ignore_ascii_case(method) && path_params(route.path, path).is_some())
        .max_by_key(|route| literal_segments(route.path))
}

fn literal_segments(template: &str) -> usize {
    template.split('/').filter(|s| !s.contains('{')).count()
}

/// One value or a list from the texts a parameter came as: each text as a string, and failing
/// that as JSON (numbers, booleans); several texts (or a type that wants one) as a list.
fn from_texts<T: DeserializeOwned>(texts: Vec<String>) -> Result<T, String> {
    let scalar = |text: &String| serde_json::from_str::<Value>(text).ok().filter(|v| !v.is_object());
    let mut candidates = Vec::new();
    if let [text] = texts.as_slice() {
        candidates.push(Value::String(text.clone()));
        candidates.extend(scalar(text));
    }
    candidates.push(Value::Array(texts.iter().cloned().map(Value::String).collect()));
    candidates
        .push(Value::Array(texts.iter().map(|t| scalar(t).unwrap_or_else(|| Value::String(t.clone()))).collect()));
    let mut last = String::new();
    for candidate in candidates {
        match serde_json::from_value(candidate) {
            Ok(value) => return Ok(value),
            Err(e) => last = e.to_string(),
        }
    }
    Err(format!("{texts:?} is not a valid {}: {last}", std::any::type_name::<T>()))
}

fn from_delimited<T: DeserializeOwned>(text: &str, delimiter: &str) -> Result<T, String> {
    from_texts(vec![text.to_string()]).or_else(|_| from_texts(text.split(delimiter).map(str::to_string).collect()))
}
