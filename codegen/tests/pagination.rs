//! Which operations of real specs page, and how: found from the specs' own conventions.

use std::path::Path;

use codegen::SpecInput;
use codegen::model::{Api, NextPage};

fn api(path: &str) -> Api {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    codegen::build_api(&SpecInput::read(&file, path).unwrap()).unwrap()
}

/// Each paging operation as `method: how`.
fn paging(api: &Api) -> Vec<String> {
    api.operations
        .iter()
        .filter_map(|op| {
            let pagination = op.pagination.as_ref()?;
            let how = match &pagination.next {
                NextPage::Cursor { param, field, has_more } => format!(
                    "cursor {} <- {}{}",
                    op.params[*param].wire_name,
                    field.wire(),
                    has_more.as_ref().map(|h| format!(" while {}", h.wire())).unwrap_or_default()
                ),
                NextPage::LastItem { param, id, has_more } => {
                    format!("{} <- last item's {} while {}", op.params[*param].wire_name, id.wire(), has_more.wire())
                }
                NextPage::Url { field: Some(field) } => format!("url <- {}", field.wire()),
                NextPage::Url { field: None } => "url <- Link header".to_string(),
            };
            Some(format!("{}: {how}; items {}", op.name, pagination.items.wire()))
        })
        .collect()
}

#[test]
fn blaxel_listings_page_by_cursor() {
    let pages = paging(&api("../specs/blaxel-controlplane.yaml"));
    for line in &pages {
        println!("{line}");
    }
    assert!(pages.len() >= 13, "{pages:#?}");
    assert!(
        pages.iter().any(|p| p == "list_agents: cursor cursor <- meta.nextCursor while meta.hasMore; items data"),
        "{pages:#?}"
    );
}

#[test]
fn oxide_pages_by_dropshot_token_and_twilio_by_next_page_url() {
    let oxide = paging(&api("../../shared/corpus/oxide-nexus.json"));
    println!("oxide: {} paging operations, e.g. {:?}", oxide.len(), oxide.first());
    assert!(oxide.iter().any(|p| p == "project_list: cursor page_token <- next_page; items items"), "{oxide:#?}");
    let twilio = paging(&api("../../shared/corpus/twilio-messaging-v1.json"));
    println!("twilio: {} paging operations, e.g. {:?}", twilio.len(), twilio.first());
    assert!(twilio.iter().all(|p| p.contains("url <- meta.next_page_url")), "{twilio:#?}");
    assert!(twilio.len() >= 10, "{twilio:#?}");
}

#[test]
fn mistral_pages_by_three_cursor_conventions() {
    let mistral = paging(&api("../../shared/corpus-next/mistral-openapi.yaml"));
    // Three spellings of a cursor: `page_token` filled from `next_page_token`, `cursor` from a
    // top-level `next_cursor`, and `cursor` from one nested in `pagination`. `list_runs`, whose
    // cursor parameter is named `next_page_token` like the field that fills it, follows none of
    // the conventions and is not guessed at.
    assert_eq!(
        mistral,
        [
            "agents_api_v1_agents_list_pages: cursor page_token <- next_page_token; items data",
            "get_workflow_events: cursor cursor <- next_cursor; items events",
            "connector_list_v1: cursor cursor <- pagination.next_cursor; items items",
        ],
        "{mistral:#?}"
    );
}

#[test]
fn prefect_pages_by_nothing_the_conventions_follow() {
    let prefect = api("../../shared/corpus/prefect-server.json");
    assert!(prefect.operations.len() > 150, "{} operations", prefect.operations.len());
    // Prefect pages by page number in POST bodies (`/flows/paginate` and the like), and its
    // events by a next-page URL given to another operation (`GET /events/filter/next`, its token
    // required): nothing paged by following a page's own cursor or URL, so nothing is found.
    let pages = paging(&prefect);
    assert!(pages.is_empty(), "{pages:#?}");
}
