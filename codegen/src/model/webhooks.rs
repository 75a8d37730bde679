//! OpenAPI 3.1 webhooks: requests the vendor sends to the user's server. Their payloads and the
//! answers they expect become types, named after the webhook, as an operation's would be; the
//! module's docs list them. A webhook the generator cannot express is left out with a warning,
//! as an operation would be.

use super::ident;
use super::operations::{left_out, responses};
use super::types::TypeBuilder;
use super::{HttpMethod, Warning, Webhook, bodies};
use crate::error::{Error, Result, pointer};
use crate::load::LoadedSpec;

pub(super) fn build<'a>(spec: &'a LoadedSpec, types: &mut TypeBuilder<'a>) -> Result<(Vec<Webhook>, Vec<Warning>)> {
    let mut webhooks = Vec::new();
    let mut warnings = Vec::new();
    for (name, item) in &spec.webhooks {
        for (key, op) in item.iter() {
            let Some(method) = HttpMethod::from_key(key) else { continue };
            let at = format!("{}/{key}", pointer(["webhooks", name]));
            // `Webhook` keeps its types apart from an operation of the same name.
            let camel = format!("{}Webhook", ident::type_name(name));
            let parts = bodies::request_body(spec, types, op, &at, &camel)
                .and_then(|body| Ok((body, responses(spec, types, op, &at, &camel)?)));
            let (body, answers) = match parts {
                Ok(parts) => parts,
                Err(Error::Unsupported { location, reason, hint }) => {
                    warnings.push(left_out(spec, location.pointer, &reason, &hint, &format!("webhook `{name}`")));
                    continue;
                }
                Err(other) => return Err(other),
            };
            webhooks.push(Webhook {
                name: name.clone(),
                method,
                summary: op.summary.clone().or_else(|| item.summary.clone()),
                payload: body.map(|body| body.ty),
                responses: answers.success.into_iter().chain(answers.errors).collect(),
            });
        }
    }
    Ok((webhooks, warnings))
}
