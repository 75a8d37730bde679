//! Stubs that match on typed parameters, and requests given back decoded, for an operation with
//! query parameters in every style (exploded and comma-separated lists, deepObject, an enum), a
//! header and a JSON body (the `parameters` golden fixture, against its mock server).

use fixture_tests::parameters::mock;
use fixture_tests::parameters::types::{Filter, SearchFilter, SearchOrder};

#[tokio::test]
async fn every_parameter_comes_back_typed() {
    let server = mock::start().await;
    server.stub::<mock::Search>().when(|r| r.q == "needle" && r.order == Some(SearchOrder::Desc)).expect(1).ok().await;

    let client = server.client();
    client
        .search("books", "needle")
        .limit(5)
        .tags(vec!["a".into(), "b c".into()])
        .order(SearchOrder::Desc)
        .ids(vec![1, 2, 3])
        .filter(SearchFilter::new().role("admin"))
        .x_request_id("req-1")
        .self_(true)
        .body(Filter::new().field("title"))
        .send()
        .await
        .expect("answered");

    let received = server.received::<mock::Search>().await;
    assert_eq!(received.len(), 1);
    let search = &received[0];
    assert_eq!(search.index, "books");
    assert_eq!(search.q, "needle");
    assert_eq!(search.limit, Some(5));
    assert_eq!(search.tags, Some(vec!["a".to_string(), "b c".to_string()]));
    assert_eq!(search.order, Some(SearchOrder::Desc));
    assert_eq!(search.ids, Some(vec![1, 2, 3]));
    assert_eq!(search.filter, Some(SearchFilter::new().role("admin")));
    assert_eq!(search.x_request_id.as_deref(), Some("req-1"));
    assert_eq!(search.self_, Some(true));
    assert_eq!(search.body, Some(Filter::new().field("title")));
    server.verify().await;
}

#[tokio::test]
async fn a_missing_required_query_parameter_fails_naming_it() {
    let server = mock::start().await;
    server.stub::<mock::Search>().ok().await;
    let http = fixture_tests::runtime::reqwest::Client::new();
    http.post(format!("{}/search/books?limit=5", server.uri())).send().await.expect("sent");

    let failure = tokio::spawn(async move { server.verify().await }).await.expect_err("the check should fail");
    let payload = failure.into_panic();
    let message = payload.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        message.contains("search (POST /search/{index}): the query parameter `q` is required but missing"),
        "{message}"
    );
}
