//! The Blaxel client as a downstream crate tests its own code: against `blaxel::mock` (the
//! `mock` feature), with values built by the generated constructors, and nothing but the
//! generated crate's public API.

use std::time::Duration;

use vendor_apis::blaxel::mock;
use vendor_apis::blaxel::responses::{CreateAgentError, GetAgentError};
use vendor_apis::blaxel::types::{Agent, AgentList, AgentSpec, Error as ApiErrorBody, Metadata, PaginationMeta};
use vendor_apis::runtime::{ApiError, Error, HeaderMap, RawResponse, Response, StatusCode};

fn agent(name: &str) -> Agent {
    Agent::new(Metadata::new(name), AgentSpec::new().enabled(true))
}

/// A listing page of `names`, pointing at `next` when there is one.
fn page(names: &[&str], next: Option<&str>) -> AgentList {
    let meta = PaginationMeta::new().has_more(next.is_some());
    let meta = match next {
        Some(cursor) => meta.next_cursor(cursor),
        None => meta,
    };
    AgentList::new().data(names.iter().map(|name| agent(name)).collect()).meta(meta)
}

/// Runs `check` on its own task and gives the message it panicked with (a failed verification).
async fn panic_message(check: impl Future<Output = ()> + Send + 'static) -> String {
    let failure = tokio::spawn(check).await.expect_err("the check should fail");
    let payload = failure.into_panic();
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[tokio::test]
async fn create_get_update_delete_flow() {
    let server = mock::start().await;
    server.stub::<mock::CreateAgent>().when(|r| r.body.metadata.name == "alpha").expect(1).ok(agent("alpha")).await;
    server.stub::<mock::GetAgent>().when(|r| r.agent_name == "alpha").expect(1).ok(agent("alpha")).await;
    let updated = Agent::new(Metadata::new("alpha").display_name("Alpha"), AgentSpec::new().enabled(false));
    server.stub::<mock::UpdateAgent>().when(|r| r.agent_name == "alpha").expect(1).ok(updated.clone()).await;
    server.stub::<mock::DeleteAgent>().when(|r| r.agent_name == "alpha").expect(1).ok(updated.clone()).await;

    let client = server.client();
    let created = client.create_agent(agent("alpha")).send().await.expect("created");
    assert_eq!(created.status(), StatusCode::OK);
    assert_eq!(created.metadata.name, "alpha");
    let fetched = client.get_agent("alpha").send().await.expect("fetched");
    assert_eq!(fetched.spec.enabled, Some(true));
    let changed = client.update_agent("alpha", updated.clone()).send().await.expect("updated");
    assert_eq!(changed.metadata.display_name.as_deref(), Some("Alpha"));
    client.delete_agent("alpha").send().await.expect("deleted");

    // What the server received, decoded into the operations' typed inputs.
    let updates = server.received::<mock::UpdateAgent>().await;
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].agent_name, "alpha");
    assert_eq!(updates[0].body, updated);
    assert_eq!(server.stub::<mock::DeleteAgent>().received().await.len(), 1);
    server.verify().await;
}

#[tokio::test]
async fn paging_across_three_pages() {
    let server = mock::start().await;
    let pages = vec![page(&["a", "b"], Some("c2")), page(&["c", "d"], Some("c3")), page(&["e"], None)];
    server.stub::<mock::ListAgents>().when(|r| r.limit == Some(2)).pages(pages).await;

    let client = server.client();
    let mut agents = client.list_agents().limit(2).items();
    let mut names = Vec::new();
    while let Some(agent) = agents.next().await {
        names.push(agent.expect("an agent").metadata.name);
    }
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    let cursors: Vec<Option<String>> =
        server.received::<mock::ListAgents>().await.into_iter().map(|request| request.cursor).collect();
    assert_eq!(cursors, [None, Some("c2".to_string()), Some("c3".to_string())]);
    server.verify().await;
}

#[tokio::test]
async fn a_declared_conflict_is_a_typed_error() {
    let server = mock::start().await;
    let conflict = ApiErrorBody::new("conflict").message("agent `alpha` already exists").code(409);
    server.stub::<mock::CreateAgent>().error(CreateAgentError::Conflict(conflict.clone())).await;

    let error = server.client().create_agent(agent("alpha")).send().await.expect_err("a conflict");
    assert_eq!(error.status(), Some(StatusCode::CONFLICT));
    match error {
        Error::Api(api) => assert_eq!(api.body(), Some(&CreateAgentError::Conflict(conflict))),
        other => panic!("expected the declared 409, got {other:?}"),
    }
}

#[tokio::test]
async fn an_undeclared_status_is_unexpected() {
    let server = mock::start().await;
    server.stub::<mock::GetAgent>().respond_status(418).await;

    let error = server.client().get_agent("alpha").send().await.expect_err("an undeclared status");
    assert!(matches!(&error, Error::UnexpectedStatus(response) if response.status().as_u16() == 418), "{error:?}");
}

#[tokio::test]
async fn a_body_that_drifts_from_the_spec_is_a_decode_error_keeping_the_body() {
    let server = mock::start().await;
    let drifted = r#"{"metadata": {"name": 42}, "spec": {}}"#;
    server.stub::<mock::GetAgent>().respond_raw(200, "application/json", drifted).await;

    let error = server.client().get_agent("alpha").send().await.expect_err("a drifted body");
    assert!(matches!(&error, Error::Decode { .. }), "{error:?}");
    assert_eq!(error.raw_body(), Some(drifted.as_bytes()));
}

#[tokio::test]
async fn a_delayed_answer_meets_the_client_timeout() {
    let server = mock::start().await;
    server.stub::<mock::GetAgent>().delay(Duration::from_millis(500)).ok(agent("alpha")).await;

    let client = server.client_builder().timeout(Duration::from_millis(50)).build().expect("a client");
    let error = client.get_agent("alpha").send().await.expect_err("a timeout");
    assert!(error.is_timeout(), "{error:?}");
}

#[tokio::test]
async fn an_unmet_call_count_fails_verification_naming_the_operation() {
    let server = mock::start().await;
    server.stub::<mock::GetAgent>().expect(2).ok(agent("alpha")).await;
    server.client().get_agent("alpha").send().await.expect("one call");

    let message = panic_message(async move { server.verify().await }).await;
    assert!(message.contains("get_agent (GET /agents/{agentName})"), "{message}");
}

#[tokio::test]
async fn a_request_the_spec_does_not_allow_fails_naming_the_operation_and_the_problem() {
    let server = mock::start().await;
    server.stub::<mock::CreateAgent>().ok(agent("alpha")).await;
    let http = vendor_apis::runtime::reqwest::Client::new();
    // No body, though the spec requires one; and a path no operation has.
    http.post(format!("{}/agents", server.uri())).send().await.expect("sent");
    http.get(format!("{}/no-such-thing", server.uri())).send().await.expect("sent");

    let message = panic_message(async move { server.verify().await }).await;
    assert!(message.contains("create_agent (POST /agents): the request body is required but missing"), "{message}");
    assert!(message.contains("GET /no-such-thing: no operation of the API has this method and path"), "{message}");
}

#[tokio::test]
async fn a_request_no_stub_answers_fails_naming_the_operation() {
    let server = mock::start().await;
    server.stub::<mock::GetAgent>().when(|r| r.agent_name == "alpha").ok(agent("alpha")).await;
    let error = server.client().get_agent("beta").send().await.expect_err("unanswered");
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));

    let message = panic_message(async move { server.verify().await }).await;
    assert!(message.contains("get_agent (GET /agents/{agentName}): no stub answers GET /agents/beta"), "{message}");
}

#[test]
fn results_are_built_without_a_server() {
    let response = Response::from_parts(StatusCode::CREATED, HeaderMap::new(), agent("alpha"));
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.metadata.name, "alpha");

    let body = ApiErrorBody::new("not_found");
    let raw = r#"{"error":"not_found"}"#;
    let error: Error<GetAgentError> = Error::Api(Box::new(ApiError::new(
        StatusCode::NOT_FOUND,
        HeaderMap::new(),
        GetAgentError::NotFound(body),
        raw,
    )));
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert!(matches!(error.api_error(), Some(GetAgentError::NotFound(_))));
    assert!(error.to_string().contains("not_found"), "{error}");

    let unexpected: Error<GetAgentError> = Error::UnexpectedStatus(Box::new(RawResponse::new(
        StatusCode::IM_A_TEAPOT,
        HeaderMap::new(),
        "short and stout",
    )));
    assert_eq!(unexpected.raw_body(), Some(&b"short and stout"[..]));
}
