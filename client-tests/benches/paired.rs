//! The generated client's cost per request against raw reqwest's, paired: `cargo bench -p
//! client-tests --bench paired --no-default-features [-- ROUNDS]` for the client as the
//! generated crate's default features build it; without `--no-default-features`, with its
//! `tracing` feature compiled in (and no subscriber), as the span tests need it.
//!
//! The `runtime` benchmark times each side in its own run of samples, one after the other; on a
//! shared machine the two runs' medians drift apart by more than the few per cent being measured.
//! Here each round makes the same small request four ways back to back (the generated client
//! with its defaults, raw reqwest with the same time limit, and both with no time limit or
//! retries), starting with a different side each round, so drift hits every side alike, and the
//! ratio of medians is the figure to quote.
//!
//! `PAIRED_SIDE=N` (0 to 3, in the order printed) makes only side N's requests, untimed: for a
//! profiler (`valgrind --tool=callgrind`, `perf record`) to see one side alone.

mod support;

use std::time::{Duration, Instant};

use support::{SETUP, one_generated, one_raw};
use vendor_apis::runtime::DEFAULT_TIMEOUT;

/// Rounds when none are given: about four seconds on a 2-core machine.
const DEFAULT_ROUNDS: usize = 5_000;
/// Rounds made first and not counted: connections opened, caches and allocator warm.
const WARM_UP: usize = 200;

fn main() {
    // cargo passes `--bench` to every benchmark binary; a number is the round count.
    let rounds = std::env::args().skip(1).find_map(|arg| arg.parse().ok()).unwrap_or(DEFAULT_ROUNDS).max(1);
    let sides: [(&str, &dyn Fn()); 4] = [
        ("generated client", &|| drop(one_generated(&SETUP.client))),
        ("raw reqwest", &|| drop(one_raw(Some(DEFAULT_TIMEOUT)))),
        ("generated client, no time limit or retries", &|| drop(one_generated(&SETUP.bare_client))),
        ("raw reqwest, no time limit", &|| drop(one_raw(None))),
    ];
    if let Ok(side) = std::env::var("PAIRED_SIDE") {
        let (_, side) = side
            .parse::<usize>()
            .ok()
            .and_then(|side| sides.get(side))
            .expect("PAIRED_SIDE is a side's number, 0 to 3");
        (0..rounds).for_each(|_| side());
        return;
    }
    support::assert_same_requests();
    for _ in 0..WARM_UP {
        sides.iter().for_each(|(_, side)| side());
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); sides.len()];
    for round in 0..rounds {
        // Each round starts with the next side, so no side always follows the same one.
        for k in 0..sides.len() {
            let side = (round + k) % sides.len();
            let start = Instant::now();
            (sides[side].1)();
            times[side].push(start.elapsed());
        }
    }
    let medians: Vec<Duration> = times.iter_mut().map(|times| median(times)).collect();
    println!("{rounds} rounds, each side once per round, medians:");
    for ((name, _), median) in sides.iter().zip(&medians) {
        println!("  {name:<45} {median:>10.1?}");
    }
    for (pair, label) in [(0, "with the default time limit"), (2, "with no time limit or retries")] {
        let ratio = medians[pair].as_secs_f64() / medians[pair + 1].as_secs_f64();
        println!("generated / raw, {label}: {ratio:.3}");
    }
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}
