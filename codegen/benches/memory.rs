//! Peak heap of one generation per spec: `cargo bench -p codegen --bench memory`.
//!
//! Its own binary, because counting every allocation in shared atomics slows the timed
//! benchmarks down once generation runs on more than one thread.

mod common;

use std::alloc::System;

use common::{SPECS, generate, input};
use peakmem_alloc::{INSTRUMENTED_SYSTEM, PeakMemAlloc, PeakMemAllocTrait};

#[global_allocator]
static ALLOCATOR: &PeakMemAlloc<System> = &INSTRUMENTED_SYSTEM;

fn main() {
    println!("{:<45} {:>9} {:>10} {:>9} {:>10}", "spec", "spec MB", "peak MB", "peak/spec", "output MB");
    for spec in SPECS {
        let input = input(spec);
        ALLOCATOR.reset_peak_memory();
        let generated = generate(input);
        // The peak counts what was live before the run too: the spec text read above.
        let peak = ALLOCATOR.get_peak_memory();
        let written: usize = generated.files.iter().chain(&generated.calls).map(|f| f.contents.len()).sum();
        println!(
            "{spec:<45} {:>9.2} {:>10.1} {:>8.0}x {:>10.2}",
            mb(input.text.len()),
            mb(peak),
            peak as f64 / input.text.len() as f64,
            mb(written),
        );
    }
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1_000_000.0
}
