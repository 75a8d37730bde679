//! The images the benchmarks decode and encode, as JSON.

/// Images in the large response (about 3.5 MB of JSON).
pub const LARGE_LIST: usize = 10_000;

pub fn image(i: usize) -> serde_json::Value {
    serde_json::json!({
        "metadata": {
            "name": format!("image-{i}"),
            "displayName": format!("Image number {i}"),
            "createdAt": "2026-11-22T10:00:00Z",
            "lastDeployedAt": "2026-11-22T11:00:00Z",
            "resourceType": "agent",
            "workspace": "bench",
        },
        "spec": {
            "size": 123_456_789 + i,
            "tags": [
                {"name": "latest", "createdAt": "2026-11-22T10:00:00Z", "size": 1000 + i},
                {"name": format!("v{i}"), "createdAt": "2026-11-21T10:00:00Z", "size": 2000 + i},
            ],
        },
    })
}

/// The large list as JSON text.
pub fn large_list() -> Vec<u8> {
    serde_json::Value::Array((0..LARGE_LIST).map(image).collect()).to_string().into_bytes()
}
