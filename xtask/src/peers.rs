//! `cargo xtask compile-cost`'s comparison with progenitor, the peer generator, on the largest
//! corpus spec (Oxide's nexus API): generation time and peak memory of both generators (whole
//! processes, release builds), and `cargo check` of each generated crate alone, measured in
//! interleaved rounds in one target folder (dependencies built first), with medians and ratios.
//! progenitor is installed under `target/tools` by this command, at the version it is compared
//! with, the first time it runs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::compile_cost::{Census, run_cargo, rust_census};

const PROGENITOR_VERSION: &str = "0.15.1";
const SPEC: &str = "../shared/corpus/oxide-nexus.json";
/// Rounds of the default comparison; `--rounds N` asks for more (one `cargo check` moves by 10 to
/// 20% between runs on a shared machine, and a ratio near a target needs a dozen rounds to settle).
pub const ROUNDS: usize = 3;
/// Rounds of `--generation`, which times only the generators: a run takes a second or two, and a
/// machine shared with other builds needs more of them for a stable median.
const GENERATION_ROUNDS: usize = 15;

/// One generated crate to compare.
struct Contender {
    label: &'static str,
    /// The folder it is generated into, and its package name.
    folder: PathBuf,
    package: &'static str,
    /// The generator's program and arguments.
    generator: (PathBuf, Vec<String>),
}

pub fn run(root: &Path, rounds: usize) -> Result<()> {
    let contenders = contenders(root)?;
    outln!(
        "\nOxide (`{SPEC}`) side by side with progenitor {PROGENITOR_VERSION}, {rounds} interleaved rounds, medians:\n"
    );
    let generation = time_generators(&contenders, rounds)?;
    measure_checks(&contenders, &generation, rounds)
}

/// `--generation`: the generators alone, in more interleaved rounds, with each process's CPU time
/// beside its wall time (on a machine busy with other builds the wall time follows the CPU share a
/// process gets, so the CPU time says what it costs) and the machine's load.
pub fn run_generation(root: &Path) -> Result<()> {
    let contenders = contenders(root)?;
    let load = || std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    outln!(
        "\nGenerating Oxide (`{SPEC}`) with this generator and progenitor {PROGENITOR_VERSION}, {GENERATION_ROUNDS} interleaved rounds, medians (load average before: {}):\n",
        load().trim()
    );
    let generation = time_generators(&contenders, GENERATION_ROUNDS)?;
    outln!("Ratios are medians of the per-round ratios.\n");
    outln!("| generator | wall | CPU (user + sys) | peak RSS | ours / this one, wall | ours / this one, CPU |");
    outln!("|---|---|---|---|---|---|");
    for (index, contender) in contenders.iter().enumerate() {
        let runs = &generation[index];
        // Medians of the per-round ratios: a round's runs see the same moment of the machine.
        let wall_ratios =
            generation[0].iter().zip(runs).map(|(ours, theirs)| ours.wall.as_secs_f64() / theirs.wall.as_secs_f64());
        let cpu_ratios = generation[0]
            .iter()
            .zip(runs)
            .filter_map(|(ours, theirs)| Some(ours.cpu_ms? as f64 / theirs.cpu_ms.filter(|&ms| ms > 0)? as f64));
        let cpu_ratios: Vec<f64> = cpu_ratios.collect();
        outln!(
            "| {} | {:.3} s | {} | {} | {:.3} | {} |",
            contender.label,
            median(&runs.iter().map(|run| run.wall).collect::<Vec<_>>()).as_secs_f64(),
            middle(runs.iter().filter_map(|run| run.cpu_ms))
                .map_or("-".into(), |ms| format!("{:.3} s", ms as f64 / 1000.0)),
            middle(runs.iter().filter_map(|run| run.rss_kb))
                .map_or("-".into(), |kb| format!("{:.0} MB", kb as f64 / 1024.0)),
            middle_f64(wall_ratios.collect()),
            if cpu_ratios.is_empty() { "-".to_string() } else { format!("{:.3}", middle_f64(cpu_ratios)) },
        );
    }
    outln!("\nload average after: {}", load().trim());
    Ok(())
}

/// This generator (release build) and progenitor's two interfaces, each into its own folder.
fn contenders(root: &Path) -> Result<Vec<Contender>> {
    let progenitor = install_progenitor(root)?;
    let work = root.join("target/compile-cost-peers");
    let spec = root.join(SPEC);
    let _ = std::fs::remove_dir_all(&work);
    let ours = root.join("target/release/xtask");
    run_cargo(root, &root.join("target"), &["build", "--quiet", "--release", "-p", "xtask"])?;
    let mut contenders = vec![Contender {
        label: "this generator",
        folder: work.join("ours"),
        package: "oxide-ours",
        generator: command(
            &ours,
            &["generate", path(&spec)?, "--out", path(&work.join("ours"))?, "--name", "oxide-ours"],
        ),
    }];
    for (label, interface, package) in [
        ("progenitor, positional (its default)", "positional", "oxide-progenitor-positional"),
        ("progenitor, builder", "builder", "oxide-progenitor-builder"),
    ] {
        let folder = work.join(package);
        let args = [
            "progenitor",
            "-i",
            path(&spec)?,
            "-o",
            path(&folder)?,
            "-n",
            package,
            "-v",
            "0.1.0",
            "--interface",
            interface,
        ];
        let generator = command(&progenitor, &args);
        contenders.push(Contender { label, folder, package, generator });
    }

    Ok(contenders)
}

/// One run of a generator: wall time, and CPU time and peak RSS where `/usr/bin/time` gives them.
#[derive(Clone, Copy)]
struct Run {
    wall: Duration,
    cpu_ms: Option<u64>,
    rss_kb: Option<u64>,
}

/// Each generator `rounds` times, interleaved: the runs of each contender, in order. Each round
/// starts with the next contender: a run right after a large process (progenitor's builder
/// interface, 110 MB) was seen up to 0.1 s slower on this machine, and with a fixed order
/// that would always fall on the same contender.
fn time_generators(contenders: &[Contender], rounds: usize) -> Result<Vec<Vec<Run>>> {
    let mut generation: Vec<Vec<Run>> = vec![Vec::new(); contenders.len()];
    for round in 0..rounds {
        for k in 0..contenders.len() {
            let index = (round + k) % contenders.len();
            generation[index].push(timed(&contenders[index].generator)?);
        }
    }
    Ok(generation)
}

/// The generated crates made ready to check in one target folder, their dependencies built: the
/// target folder.
fn prepare_checks(contenders: &[Contender]) -> Result<PathBuf> {
    let work = contenders[0].folder.parent().context("the contenders' folders are in one work folder")?;
    // progenitor writes a crate without a `[workspace]` table, which cargo refuses inside this
    // project's workspace folder; ours are standalone already.
    for contender in &contenders[1..] {
        let manifest = contender.folder.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest)?;
        std::fs::write(&manifest, format!("{text}\n[workspace]\n"))?;
    }
    let target = work.join("target");
    for contender in contenders {
        check(&contender.folder, &target)?;
    }
    Ok(target)
}

/// `--instructions`: each generated crate's `cargo check` counted in the instructions its rustc
/// runs (valgrind's cachegrind without cache simulation, incremental state written as cargo
/// does). The count is the same run after run, where the time of one `cargo check` moves by 10
/// to 20% on a shared machine, so a change of a few per cent shows; it is not the time (our crate
/// runs fewer instructions per second than progenitor's), which the default comparison measures.
/// rustc runs about fifteen times slower under valgrind: several minutes per crate.
pub fn run_instructions(root: &Path) -> Result<()> {
    let valgrind = Command::new("valgrind").arg("--version").output();
    if !valgrind.is_ok_and(|output| output.status.success()) {
        bail!(
            "`--instructions` runs rustc under valgrind, which is not installed here: install it (`apt install valgrind`)"
        );
    }
    let contenders = contenders(root)?;
    // One round generates the crates; its timings are not used.
    time_generators(&contenders, 1)?;
    let target = prepare_checks(&contenders)?;
    // cargo runs the wrapper for every rustc it starts (its version query too); only the one
    // that checks the crate named in `COUNT_CRATE` runs under valgrind, which follows the
    // rustup proxy into the real rustc.
    let counts = target.join("instruction-counts");
    let wrapper = target.join("count-instructions.sh");
    std::fs::write(
        &wrapper,
        "#!/bin/sh\ncase \" $* \" in\n  *\" --crate-name $COUNT_CRATE \"*)\n    exec valgrind -q --tool=cachegrind --cache-sim=no --trace-children=yes \\\n      --cachegrind-out-file=\"$COUNT_TO/count\" --log-file=\"$COUNT_TO/valgrind.log\" \"$@\" ;;\nesac\nexec \"$@\"\n",
    )?;
    make_executable(&wrapper)?;
    outln!("\nOxide (`{SPEC}`): instructions rustc runs for `cargo check` of each crate alone (cachegrind):\n");
    outln!("| crate | instructions | ours / this one |");
    outln!("|---|---|---|");
    let mut ours = None;
    for contender in &contenders {
        let _ = std::fs::remove_dir_all(&counts);
        std::fs::create_dir_all(&counts)?;
        run_cargo(&contender.folder, &target, &["clean", "--quiet", "-p", contender.package])?;
        let status = crate::test::cargo(&contender.folder, &["check", "--quiet"])
            .env("CARGO_TARGET_DIR", &target)
            .env("RUSTC_WRAPPER", &wrapper)
            .env("COUNT_TO", &counts)
            .env("COUNT_CRATE", contender.package.replace('-', "_"))
            .status()
            .context("running cargo check under valgrind")?;
        if !status.success() {
            bail!("cargo check of {} under valgrind failed ({status})", contender.folder.display());
        }
        let text = std::fs::read_to_string(counts.join("count")).unwrap_or_default();
        let count = text.lines().find_map(|line| line.strip_prefix("summary: ")?.trim().parse::<u64>().ok());
        let Some(count) = count.filter(|&count| count > 0) else {
            bail!(
                "no instruction count for {}: rustc did not run under valgrind (see {})",
                contender.package,
                counts.join("valgrind.log").display()
            );
        };
        let ours = *ours.get_or_insert(count);
        outln!("| {} | {:.2} G | {:.3} |", contender.label, count as f64 / 1e9, ours as f64 / count as f64);
    }
    Ok(())
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    Ok(std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?)
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<()> {
    bail!("`--instructions` runs rustc through a shell script under valgrind: it needs a Unix machine")
}

/// `cargo check` of each generated crate, interleaved, and the table of both measurements. Each
/// round starts with the next crate, as the generators' rounds do, so that no crate always runs
/// right after the same one.
fn measure_checks(contenders: &[Contender], generation: &[Vec<Run>], rounds: usize) -> Result<()> {
    let target = prepare_checks(contenders)?;
    let mut checks: Vec<Vec<Duration>> = vec![Vec::new(); contenders.len()];
    for round in 0..rounds {
        for k in 0..contenders.len() {
            let index = (round + k) % contenders.len();
            let contender = &contenders[index];
            run_cargo(&contender.folder, &target, &["clean", "--quiet", "-p", contender.package])?;
            let started = Instant::now();
            check(&contender.folder, &target)?;
            checks[index].push(started.elapsed());
        }
    }
    outln!(
        "The last column is the median of the per-round ratios: a round's checks see the same moment of the machine.\n"
    );
    outln!(
        "| crate | lines | types | generation | generator peak RSS | `cargo check` alone | ours / this one | per round |"
    );
    outln!("|---|---|---|---|---|---|---|---|");
    let ours_check = median(&checks[0]);
    for (index, contender) in contenders.iter().enumerate() {
        let Census { lines, types } = rust_census(&contender.folder.join("src"))?;
        let wall = median(&generation[index].iter().map(|run| run.wall).collect::<Vec<_>>());
        let rss = middle(generation[index].iter().filter_map(|run| run.rss_kb))
            .map_or("(no /usr/bin/time)".to_string(), |kb| format!("{:.0} MB", kb as f64 / 1024.0));
        let check = median(&checks[index]);
        let per_round =
            checks[0].iter().zip(&checks[index]).map(|(ours, theirs)| ours.as_secs_f64() / theirs.as_secs_f64());
        outln!(
            "| {} | {lines} | {types} | {:.2} s | {rss} | {:.1} s | {:.2} | {:.3} |",
            contender.label,
            wall.as_secs_f64(),
            check.as_secs_f64(),
            ours_check.as_secs_f64() / check.as_secs_f64(),
            middle_f64(per_round.collect()),
        );
    }
    Ok(())
}

/// The path to `cargo-progenitor` under `target/tools`, installed there first if missing.
fn install_progenitor(root: &Path) -> Result<PathBuf> {
    let tools = root.join("target/tools");
    let binary = tools.join("bin/cargo-progenitor");
    // `cargo install` records what it installed beside the binaries.
    let record = std::fs::read_to_string(tools.join(".crates.toml")).unwrap_or_default();
    if binary.exists() && record.contains(&format!("\"cargo-progenitor {PROGENITOR_VERSION} ")) {
        return Ok(binary);
    }
    errln!("installing cargo-progenitor {PROGENITOR_VERSION} into {} (once; about 10 minutes)", tools.display());
    let args = [
        "install",
        "--quiet",
        "--locked",
        "cargo-progenitor",
        "--version",
        PROGENITOR_VERSION,
        "--root",
        path(&tools)?,
    ];
    let status = crate::test::cargo(root, &args).status().context("running cargo install cargo-progenitor")?;
    if !status.success() {
        bail!("installing cargo-progenitor {PROGENITOR_VERSION} failed ({status}); the comparison needs it");
    }
    Ok(binary)
}

fn command(program: &Path, args: &[&str]) -> (PathBuf, Vec<String>) {
    (program.to_path_buf(), args.iter().map(|a| a.to_string()).collect())
}

/// Runs `command` under `/usr/bin/time` when the machine has it, for the peak RSS of the whole
/// process and its CPU time; the wall time either way.
fn timed((program, args): &(PathBuf, Vec<String>)) -> Result<Run> {
    let time = Path::new("/usr/bin/time");
    let mut command = if time.exists() {
        let mut wrapped = Command::new(time);
        wrapped.args(["-f", "peak-rss-kb %M\ncpu-s %U %S"]).arg(program);
        wrapped
    } else {
        Command::new(program)
    };
    command.args(args);
    let started = Instant::now();
    let output = command.output().with_context(|| format!("running {}", program.display()))?;
    let elapsed = started.elapsed();
    if !output.status.success() {
        bail!("{} failed: {}", program.display(), String::from_utf8_lossy(&output.stderr));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let rss_kb =
        stderr.lines().find_map(|line| line.strip_prefix("peak-rss-kb ").and_then(|kb| kb.trim().parse().ok()));
    let cpu_ms = stderr.lines().find_map(|line| {
        let seconds: Option<Vec<f64>> =
            line.strip_prefix("cpu-s ")?.split_whitespace().map(|s| s.parse().ok()).collect();
        Some((seconds?.iter().sum::<f64>() * 1000.0).round() as u64)
    });
    Ok(Run { wall: elapsed, cpu_ms, rss_kb })
}

/// The median of `values`, if any (the upper one of an even count).
fn middle(values: impl Iterator<Item = u64>) -> Option<u64> {
    let mut sorted: Vec<u64> = values.collect();
    sorted.sort_unstable();
    sorted.get(sorted.len() / 2).copied()
}

fn middle_f64(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn check(folder: &Path, target: &Path) -> Result<()> {
    run_cargo(folder, target, &["check", "--quiet"])
}

fn median(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted[sorted.len() / 2]
}

fn path(path: &Path) -> Result<&str> {
    path.to_str().with_context(|| format!("{} is not UTF-8", path.display()))
}
