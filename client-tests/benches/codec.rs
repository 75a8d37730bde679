//! Decoding and encoding the large list (10,000 images, about 3.5 MB of JSON) with the generated
//! types against serde-derived twins, paired: `cargo bench -p client-tests --bench codec [--
//! ROUNDS]`.
//!
//! The `runtime` benchmark's `code_` pairs time each side in its own run of samples; on a shared
//! machine the runs drift apart by more than the few per cent being measured. Here each round
//! decodes (then encodes) the same body once per side, starting with a different side each
//! round, and times it in the thread's CPU time, which does not count the turns other processes
//! take on a loaded machine. The figures to quote are the medians of the per-round ratios.
//! The sides: the generated types, the twins a hand-written client would declare (the fields the
//! bodies hold) and the full twins (every field of the generated types, an undeclared-properties
//! field included, so the values have the same size and only the codec differs).

#[path = "support/images.rs"]
mod images;
#[path = "support/twins.rs"]
mod twins;

use std::hint::black_box;
use std::sync::LazyLock;

use images::LARGE_LIST;
use vendor_apis::blaxel::types;

static BODY: LazyLock<Vec<u8>> = LazyLock::new(images::large_list);

/// Rounds when none are given: about ten seconds on a 2-core machine.
const DEFAULT_ROUNDS: usize = 150;
/// Rounds made first and not counted: allocator and caches warm.
const WARM_UP: usize = 10;

/// The thread's CPU time so far, in milliseconds.
fn cpu_ms() -> f64 {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid, writable timespec; the clock id is a constant the OS defines.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "the thread's CPU clock is readable");
    now.tv_sec as f64 * 1e3 + now.tv_nsec as f64 / 1e6
}

/// The CPU time `work` takes.
fn timed<T>(work: impl FnOnce() -> T) -> f64 {
    let start = cpu_ms();
    let done = black_box(work());
    let took = cpu_ms() - start;
    drop(done);
    took
}

fn decode<T: serde::de::DeserializeOwned>() -> f64 {
    timed(|| {
        let images: Vec<T> = serde_json::from_slice(black_box(&BODY)).expect("images");
        assert_eq!(images.len(), LARGE_LIST);
        images
    })
}

fn encode<T: serde::Serialize>(images: &[T]) -> f64 {
    let mut written = Vec::with_capacity(BODY.len());
    let took = timed(|| serde_json::to_writer(&mut written, black_box(images)).expect("encoded"));
    black_box(written);
    took
}

fn main() {
    // cargo passes `--bench` to every benchmark binary; a number is the round count.
    let rounds = std::env::args().skip(1).find_map(|arg| arg.parse().ok()).unwrap_or(DEFAULT_ROUNDS).max(1);
    let generated: Vec<types::Image> = serde_json::from_slice(&BODY).expect("images");
    let twins: Vec<twins::Image> = serde_json::from_slice(&BODY).expect("images");
    let full: Vec<twins::full::Image> = serde_json::from_slice(&BODY).expect("images");
    assert!(twins.iter().zip(&generated).all(|(twin, generated)| twin.same_as(generated)));
    let written = |json: Vec<u8>| serde_json::from_slice::<serde_json::Value>(&json).expect("JSON");
    let expected: serde_json::Value = serde_json::from_slice(&BODY).expect("JSON");
    assert_eq!(written(serde_json::to_vec(&generated).expect("encoded")), expected);
    assert_eq!(written(serde_json::to_vec(&twins).expect("encoded")), expected);
    assert_eq!(written(serde_json::to_vec(&full).expect("encoded")), expected);
    let sides: [(&str, &dyn Fn() -> f64); 6] = [
        ("decode, generated types", &decode::<types::Image>),
        ("decode, twins", &decode::<twins::Image>),
        ("decode, full twins", &decode::<twins::full::Image>),
        ("encode, generated types", &|| encode(&generated)),
        ("encode, twins", &|| encode(&twins)),
        ("encode, full twins", &|| encode(&full)),
    ];
    for _ in 0..WARM_UP {
        sides.iter().for_each(|(_, side)| _ = side());
    }
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); sides.len()];
    for round in 0..rounds {
        // Each round starts with the next side, so no side always follows the same one.
        for k in 0..sides.len() {
            let side = (round + k) % sides.len();
            times[side].push(sides[side].1());
        }
    }
    println!("{rounds} rounds, thread CPU time, medians:");
    for ((name, _), times) in sides.iter().zip(&times) {
        println!("  {name:<26} {:>8.3} ms", median(times.clone()));
    }
    let ratio = |a: usize, b: usize| median(times[a].iter().zip(&times[b]).map(|(a, b)| a / b).collect());
    println!("medians of per-round ratios:");
    println!("  decode generated / twins       {:.3}", ratio(0, 1));
    println!("  decode generated / full twins  {:.3}", ratio(0, 2));
    println!("  encode generated / twins       {:.3}", ratio(3, 4));
    println!("  encode generated / full twins  {:.3}", ratio(3, 5));
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}
