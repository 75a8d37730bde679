//! The generated client's cost per request against raw reqwest doing the same request, and the
//! cost of a large response against plain serde_json: `cargo bench -p client-tests --bench runtime`.
//!
//! Both sides share one `reqwest::Client` (one connection pool, kept alive) and one loopback
//! server (`support`), which answers from memory. The per-request ratio to quote is the `paired`
//! benchmark's, which interleaves the sides; the medians here come from runs one after another.
//! Raw reqwest does what a careful hand-written call does: format the URL, add the bearer token,
//! `Accept` and the `Blaxel-Version` the generated client sends (the benchmark checks that both
//! sides send the same request before it times them), set the same 60 s time limit the generated client applies by default, send,
//! check the status, read the body, decode it. A second pair turns the time limit (and the
//! generated client's retries) off on both sides. A small body is decoded into the same
//! generated type on both sides; the large list into serde-derived twins of the generated types
//! on the raw side, as a hand-written client would, so that the pair also compares the generated
//! decoders (the runtime's `DecodeStruct`) with serde's derive.

mod support;

use std::sync::LazyLock;

use divan::Bencher;
use support::images::LARGE_LIST;
use support::{BODIES, SETUP, one_generated, one_raw};
use vendor_apis::blaxel::types;
use vendor_apis::runtime::DEFAULT_TIMEOUT;

fn main() {
    // Started before any sample is timed: building reqwest's client (proxies, certificates) took
    // about 80 ms, which the first sample of the first benchmark used to include; the bodies the
    // server answers with are built once, here too.
    LazyLock::force(&SETUP);
    LazyLock::force(&BODIES);
    support::assert_same_requests();
    divan::main();
}

#[path = "support/twins.rs"]
mod derived;

/// One small GET with two path parameters and a bearer token, decoded into `types::Image`.
mod one_request {
    use super::*;

    #[divan::bench]
    fn generated_client(bencher: Bencher) {
        bencher.bench_local(|| one_generated(&SETUP.client));
    }

    #[divan::bench]
    fn raw_reqwest(bencher: Bencher) {
        bencher.bench_local(|| one_raw(Some(DEFAULT_TIMEOUT)));
    }

    #[divan::bench]
    fn generated_client_no_time_limit_or_retry(bencher: Bencher) {
        bencher.bench_local(|| one_generated(&SETUP.bare_client));
    }

    #[divan::bench]
    fn raw_reqwest_no_time_limit(bencher: Bencher) {
        bencher.bench_local(|| one_raw(None));
    }
}

/// A 10,000-image list: reading and decoding a large body.
mod large_response {
    use super::*;

    #[divan::bench]
    fn generated_client(bencher: Bencher) {
        let setup = &*SETUP;
        bencher.counter(divan::counter::BytesCount::new(BODIES.many.len())).bench_local(|| {
            setup.runtime.block_on(async {
                let images = setup.client.list_images().send().await.expect("images");
                assert_eq!(images.len(), LARGE_LIST);
                images
            })
        });
    }

    #[divan::bench]
    fn raw_reqwest(bencher: Bencher) {
        let setup = &*SETUP;
        bencher.counter(divan::counter::BytesCount::new(BODIES.many.len())).bench_local(|| {
            setup.runtime.block_on(async {
                let url = format!("{}/images", setup.base);
                let images: Vec<derived::Image> = support::raw_reqwest(setup, url, Some(DEFAULT_TIMEOUT)).await;
                assert_eq!(images.len(), LARGE_LIST);
                images
            })
        });
    }

    /// The decode alone, no HTTP: serde_json into the generated types.
    #[divan::bench]
    fn decode_generated_types(bencher: Bencher) {
        decode::<types::Image>(bencher);
    }

    /// The decode alone, no HTTP: serde_json into serde-derived twins of the generated types,
    /// once checked to give the same values as the generated types for the whole list.
    #[divan::bench]
    fn decode_serde_derived_twins(bencher: Bencher) {
        let generated: Vec<types::Image> = serde_json::from_slice(&BODIES.many).expect("images");
        let twins: Vec<derived::Image> = serde_json::from_slice(&BODIES.many).expect("images");
        assert_eq!(generated.len(), LARGE_LIST);
        assert!(twins.iter().zip(&generated).all(|(twin, generated)| twin.same_as(generated)));
        decode::<derived::Image>(bencher);
    }

    /// The encode alone: the large list from the generated types (the runtime's `EncodeStruct`).
    #[divan::bench]
    fn encode_generated_types(bencher: Bencher) {
        encode::<types::Image>(bencher);
    }

    /// The encode alone, from serde-derived twins, once checked to write the same JSON values
    /// (key order aside).
    #[divan::bench]
    fn encode_serde_derived_twins(bencher: Bencher) {
        let generated: Vec<types::Image> = serde_json::from_slice(&BODIES.many).expect("images");
        let twins: Vec<derived::Image> = serde_json::from_slice(&BODIES.many).expect("images");
        let written = |json: Vec<u8>| serde_json::from_slice::<serde_json::Value>(&json).expect("JSON");
        let generated = written(serde_json::to_vec(&generated).expect("encoded"));
        assert_eq!(generated, written(serde_json::to_vec(&twins).expect("encoded")));
        assert_eq!(generated, written(BODIES.many.to_vec()));
        encode::<derived::Image>(bencher);
    }

    /// The decode alone into twins with every field the generated types have (the same size of
    /// values): what is left between them and the generated types is the decoding code.
    #[divan::bench]
    fn decode_serde_derived_full_twins(bencher: Bencher) {
        decode::<derived::full::Image>(bencher);
    }

    /// The encode alone, from twins with every field the generated types have.
    #[divan::bench]
    fn encode_serde_derived_full_twins(bencher: Bencher) {
        encode::<derived::full::Image>(bencher);
    }

    fn encode<T: serde::de::DeserializeOwned + serde::Serialize + Sync>(bencher: Bencher) {
        let images: Vec<T> = serde_json::from_slice(&BODIES.many).expect("images");
        bencher.counter(divan::counter::BytesCount::new(BODIES.many.len())).bench(|| {
            let mut written = Vec::with_capacity(BODIES.many.len());
            serde_json::to_writer(&mut written, &images).expect("encoded");
            written
        });
    }

    fn decode<T: serde::de::DeserializeOwned>(bencher: Bencher) {
        let body = &BODIES.many;
        bencher.counter(divan::counter::BytesCount::new(body.len())).bench(|| {
            let images: Vec<T> = serde_json::from_slice(body).expect("images");
            assert_eq!(images.len(), LARGE_LIST);
            images
        });
    }
}
