//! What a hand-written client would declare for the images: the generated types' fields (less
//! `events` and `status`, which the bodies here never hold), with serde's derives (and
//! `skip_serializing_if` on optional fields, as the generator's derive once had).
//!
//! `full` are the same twins with every field the generated types have (`events`, `status`, and
//! an undeclared-properties field that serde skips), so that the size of the values is the same on
//! both sides and only the code that decodes and encodes them differs.

use serde::{Deserialize, Serialize};
use vendor_apis::blaxel::types;

impl Image {
    /// Whether the generated types decoded the same body to the same values.
    pub fn same_as(&self, generated: &types::Image) -> bool {
        let (m, g) = (&self.metadata, &generated.metadata);
        let same_metadata = (&m.created_at, &m.display_name, &m.last_deployed_at, &m.name)
            == (&g.created_at, &g.display_name, &g.last_deployed_at, &g.name)
            && (&m.resource_type, &m.source_workspace, &m.updated_at, &m.workspace)
                == (&g.resource_type, &g.source_workspace, &g.updated_at, &g.workspace);
        let tags = |tags: &[ImageTag], generated: &[types::ImageTag]| {
            tags.len() == generated.len()
                && tags.iter().zip(generated).all(|(t, g)| {
                    (&t.created_at, &t.name, t.size, &t.updated_at) == (&g.created_at, &g.name, g.size, &g.updated_at)
                })
        };
        let same_tags = match (&self.spec.tags, &generated.spec.tags) {
            (Some(t), Some(g)) => tags(t, g),
            (t, g) => t.is_none() && g.is_none(),
        };
        same_metadata && self.spec.size == generated.spec.size && same_tags
    }
}

#[derive(Deserialize, Serialize)]
pub struct Image {
    pub metadata: ImageMetadata,
    pub spec: ImageSpec,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageMetadata {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_deployed_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_workspace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
}

#[derive(Deserialize, Serialize)]
pub struct ImageSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<ImageTag>>,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageTag {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// The twins with every field of the generated types.
pub mod full {
    use serde::{Deserialize, Serialize};
    use vendor_apis::blaxel::types::Status;
    use vendor_apis::runtime::Extras;

    #[derive(Deserialize, Serialize)]
    pub struct Image {
        pub metadata: ImageMetadata,
        pub spec: ImageSpec,
        #[serde(skip)]
        pub _undeclared: Extras,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ImageMetadata {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub created_at: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub display_name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub events: Option<Vec<CoreEvent>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub last_deployed_at: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub resource_type: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub source_workspace: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub status: Option<Status>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub updated_at: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub workspace: Option<String>,
        #[serde(skip)]
        pub _undeclared: Extras,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct CoreEvent {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub canary_revision: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub message: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub revision: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub status: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub time: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub r#type: Option<String>,
        #[serde(skip)]
        pub _undeclared: Extras,
    }

    #[derive(Deserialize, Serialize)]
    pub struct ImageSpec {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub size: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub tags: Option<Vec<ImageTag>>,
        #[serde(skip)]
        pub _undeclared: Extras,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ImageTag {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub created_at: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub size: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub updated_at: Option<String>,
        #[serde(skip)]
        pub _undeclared: Extras,
    }
}
