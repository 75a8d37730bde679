//! Every pagination convention against a multi-page loopback server: the items of every page in
//! order, one request per page with the cursor the previous page gave, and the end where the
//! server says so. A server that repeats a cursor ends the stream with an error, never a loop.

use fixture_tests::pagination::{Client, types::Thing};
use fixture_tests::runtime::Error;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn things(ids: &[&str]) -> Value {
    ids.iter().map(|id| json!({"id": id})).collect()
}

async fn page(server: &MockServer, route: &str, query: Option<(&str, &str)>, cursor: &str, body: Value) {
    let mock = Mock::given(method("GET")).and(path(route));
    let mock = match query {
        Some((name, value)) => mock.and(query_param(name, value)),
        None => mock.and(query_param_is_missing(cursor)),
    };
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body)).expect(1).mount(server).await;
}

fn ids(items: &[Thing]) -> Vec<&str> {
    items.iter().map(|t| t.id.as_str()).collect()
}

async fn collect<T>(mut items: fixture_tests::runtime::Items<'_, T, impl Sized>) -> Result<Vec<T>, String> {
    let mut all = Vec::new();
    while let Some(item) = items.next().await {
        all.push(item.map_err(|e| e.to_string())?);
    }
    Ok(all)
}

async fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).build().unwrap()
}

#[tokio::test]
async fn a_cursor_in_the_response_meta_pages_until_has_more_is_false() {
    let server = MockServer::start().await;
    let meta = |next: Option<&str>, more| json!({"nextCursor": next, "hasMore": more});
    page(&server, "/agents", None, "cursor", json!({"data": things(&["a", "b"]), "meta": meta(Some("c2"), true)}))
        .await;
    page(
        &server,
        "/agents",
        Some(("cursor", "c2")),
        "cursor",
        json!({"data": things(&["c"]), "meta": meta(Some("c3"), true)}),
    )
    .await;
    page(
        &server,
        "/agents",
        Some(("cursor", "c3")),
        "cursor",
        json!({"data": things(&["d"]), "meta": meta(Some("c4"), false)}),
    )
    .await;
    let client = client(&server).await;
    let all = collect(client.list_agents().limit(2).items()).await.unwrap();
    assert_eq!(ids(&all), ["a", "b", "c", "d"]);
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests.iter().all(|r| r.url.query().unwrap_or_default().contains("limit=2")),
        "every page keeps the builder's parameters"
    );
}

#[tokio::test]
async fn a_repeated_cursor_is_an_error_not_a_loop() {
    let server = MockServer::start().await;
    let body = |ids: &[&str]| json!({"data": things(ids), "meta": {"nextCursor": "same", "hasMore": true}});
    page(&server, "/agents", None, "cursor", body(&["a"])).await;
    Mock::given(method("GET"))
        .and(path("/agents"))
        .and(query_param("cursor", "same"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body(&["b"])))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).await;
    let mut items = client.list_agents().items();
    let mut seen = Vec::new();
    let mut error = None;
    while let Some(item) = items.next().await {
        match item {
            Ok(thing) => seen.push(thing.id),
            Err(e) => error = Some(e),
        }
    }
    assert_eq!(seen, ["a", "b"]);
    assert!(matches!(error, Some(Error::Pagination(_))), "{error:?}");
}

#[tokio::test]
async fn dropshot_pages_by_page_token_until_next_page_is_null() {
    let server = MockServer::start().await;
    page(&server, "/projects", None, "page_token", json!({"items": things(&["a"]), "next_page": "t2"})).await;
    page(
        &server,
        "/projects",
        Some(("page_token", "t2")),
        "page_token",
        json!({"items": things(&["b"]), "next_page": null}),
    )
    .await;
    let all = collect(client(&server).await.project_list().items()).await.unwrap();
    assert_eq!(ids(&all), ["a", "b"]);
}

#[tokio::test]
async fn stripe_pages_from_the_last_id_while_has_more() {
    let server = MockServer::start().await;
    let body = |ids: &[&str], more| json!({"object": "list", "data": things(ids), "has_more": more});
    page(&server, "/charges", None, "starting_after", body(&["ch_1", "ch_2"], true)).await;
    page(&server, "/charges", Some(("starting_after", "ch_2")), "starting_after", body(&["ch_3"], false)).await;
    let all = collect(client(&server).await.list_charges().items()).await.unwrap();
    assert_eq!(ids(&all), ["ch_1", "ch_2", "ch_3"]);
}

#[tokio::test]
async fn openai_pages_after_the_last_id() {
    let server = MockServer::start().await;
    let body = |ids: &[&str], last: &str, more| json!({"data": things(ids), "first_id": ids[0], "last_id": last, "has_more": more});
    page(&server, "/files", None, "after", body(&["f1", "f2"], "f2", true)).await;
    page(&server, "/files", Some(("after", "f2")), "after", body(&["f3"], "f3", false)).await;
    let all = collect(client(&server).await.list_files().items()).await.unwrap();
    assert_eq!(ids(&all), ["f1", "f2", "f3"]);
}

#[tokio::test]
async fn a_next_page_url_in_the_body_is_followed_with_its_own_query() {
    let server = MockServer::start().await;
    let next = format!("{}/messages?PageSize=1&PageToken=p2", server.uri());
    page(
        &server,
        "/messages",
        None,
        "PageToken",
        json!({"messages": things(&["m1"]), "meta": {"next_page_url": next}}),
    )
    .await;
    // A relative URL resolves against the URL that answered.
    page(
        &server,
        "/messages",
        Some(("PageToken", "p2")),
        "PageToken",
        json!({"messages": things(&["m2"]), "meta": {"next_page_url": "/messages?PageSize=1&PageToken=p3"}}),
    )
    .await;
    page(
        &server,
        "/messages",
        Some(("PageToken", "p3")),
        "PageToken",
        json!({"messages": things(&["m3"]), "meta": {"next_page_url": null}}),
    )
    .await;
    let all = collect(client(&server).await.list_messages().page_size(1).items()).await.unwrap();
    assert_eq!(ids(&all), ["m1", "m2", "m3"]);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[1].url.query(),
        Some("PageSize=1&PageToken=p2"),
        "the server's URL, parameters not added twice"
    );
}

#[tokio::test]
async fn a_link_header_names_the_next_page() {
    let server = MockServer::start().await;
    let link = |next: &str| format!("<{next}>; rel=\"next\", <{}/events?page=9>; rel=\"last\"", server.uri());
    Mock::given(method("GET"))
        .and(path("/events"))
        .and(query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(things(&["e1"]))
                .insert_header("link", link("/events?page=2").as_str()),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/events"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(things(&["e2"])))
        .expect(1)
        .mount(&server)
        .await;
    let all = collect(client(&server).await.list_events().per_page(1).items()).await.unwrap();
    assert_eq!(ids(&all), ["e1", "e2"]);
}

#[tokio::test]
async fn pages_declared_in_the_settings_follow_them() {
    let server = MockServer::start().await;
    let body = |ids: &[&str], token: &str, more| json!({"rows": [], "records": things(ids), "continuation": {"token": token, "more": more}});
    page(&server, "/records", None, "token", body(&["r1"], "k2", true)).await;
    page(&server, "/records", Some(("token", "k2")), "token", body(&["r2"], "k3", false)).await;
    let all = collect(client(&server).await.list_records().items()).await.unwrap();
    assert_eq!(ids(&all), ["r1", "r2"]);
}

#[tokio::test]
async fn an_error_page_ends_the_stream_with_the_error() {
    let server = MockServer::start().await;
    page(&server, "/projects", None, "page_token", json!({"items": things(&["a"]), "next_page": "t2"})).await;
    Mock::given(method("GET"))
        .and(path("/projects"))
        .and(query_param("page_token", "t2"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let error = collect(client(&server).await.project_list().items()).await.unwrap_err();
    assert!(error.contains("500"), "{error}");
}
