//! Event streams against the mock server of the `streaming` golden fixture (generated into this
//! crate by its build script): typed events, text events, and an operation whose body flag
//! switches its answer from JSON to events.

use downstream_tests::streaming::mock;
use downstream_tests::streaming::types::{
    Chunk, CreateChatBody, WatchJobEvent, WatchJobEventDone, WatchJobEventProgress,
};

#[tokio::test]
async fn typed_events_arrive_in_order() {
    let server = mock::start().await;
    let events = vec![
        WatchJobEvent::Progress(WatchJobEventProgress::new(40)),
        WatchJobEvent::Progress(WatchJobEventProgress::new(90)),
        WatchJobEvent::Done(WatchJobEventDone::new()),
    ];
    server.stub::<mock::WatchJob>().when(|r| r.id == "job-1").expect(1).events(events.clone()).await;

    let mut stream = server.client().watch_job("job-1").send().await.expect("the stream").into_body();
    let mut received = Vec::new();
    while let Some(event) = stream.next().await {
        received.push(event.expect("an event").data);
    }
    assert_eq!(received, events);
    server.verify().await;
}

#[tokio::test]
async fn text_events_keep_their_text() {
    let server = mock::start().await;
    server.stub::<mock::TailLogs>().events(vec!["first line".into(), "second line".into()]).await;

    let mut stream = server.client().tail_logs().send().await.expect("the stream").into_body();
    let mut lines = Vec::new();
    while let Some(event) = stream.next().await {
        lines.push(event.expect("an event").data);
    }
    assert_eq!(lines, ["first line", "second line"]);
}

#[tokio::test]
async fn the_stream_flag_picks_the_events_stub() {
    let server = mock::start().await;
    server.stub::<mock::CreateChat>().when(|r| r.body.stream != Some(true)).ok(Chunk::new("whole")).await;
    server
        .stub::<mock::CreateChat>()
        .when(|r| r.body.stream == Some(true))
        .events(vec![Chunk::new("par"), Chunk::new("tial")])
        .await;

    let client = server.client();
    let whole = client.create_chat(CreateChatBody::new("hi")).send().await.expect("the answer");
    assert_eq!(whole.text, "whole");
    let mut stream = client.create_chat_stream(CreateChatBody::new("hi")).send().await.expect("the stream").into_body();
    let mut parts = String::new();
    while let Some(event) = stream.next().await {
        parts.push_str(&event.expect("an event").data.text);
    }
    assert_eq!(parts, "partial");
    let prompts: Vec<Option<bool>> =
        server.received::<mock::CreateChat>().await.into_iter().map(|request| request.body.stream).collect();
    assert_eq!(prompts, [None, Some(true)]);
}
