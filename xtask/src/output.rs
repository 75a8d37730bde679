//! Printing that outlives a closed pipe.
//!
//! `cargo xtask check | head -3` closes stdout after three lines; `println!` then panics on the
//! next line ("failed printing to stdout: Broken pipe"). The `out!`/`outln!` macros (and
//! `errln!` for stderr) write through [`write_to`] instead: once the reader is gone, the rest of
//! the output is dropped silently, and the command goes on to its exit code as if it had been
//! read. Any other write error drops that one write; printing never panics.

use std::fmt;
use std::io::{self, ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once stdout's reader has gone away.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
/// Set once stderr's reader has gone away.
static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);

/// `print!` that survives a closed stdout.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::stdout(format_args!($($arg)*))
    };
}

/// `println!` that survives a closed stdout.
macro_rules! outln {
    () => {
        $crate::output::stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` that survives a closed stderr (`cargo xtask check 2>&1 | head -2`).
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::output::stderr(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Writes to stdout unless its reader is gone.
pub fn stdout(args: fmt::Arguments<'_>) {
    write_to(&mut io::stdout().lock(), &STDOUT_CLOSED, args);
}

/// Writes to stderr unless its reader is gone.
pub fn stderr(args: fmt::Arguments<'_>) {
    write_to(&mut io::stderr().lock(), &STDERR_CLOSED, args);
}

/// Writes `args` to `out` unless `closed` says its reader is gone, and sets `closed` when a
/// write finds that it is. Other errors drop this write only.
pub fn write_to(out: &mut impl Write, closed: &AtomicBool, args: fmt::Arguments<'_>) {
    if closed.load(Ordering::Relaxed) {
        return;
    }
    if let Err(e) = out.write_fmt(args)
        && e.kind() == ErrorKind::BrokenPipe
    {
        closed.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Takes `room` bytes, then fails every write with `error`.
    struct Pipe {
        taken: Vec<u8>,
        room: usize,
        error: ErrorKind,
        writes: usize,
    }

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.writes += 1;
            if self.taken.len() >= self.room {
                return Err(io::Error::from(self.error));
            }
            let n = buf.len().min(self.room - self.taken.len());
            self.taken.extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_broken_pipe_stops_the_output_quietly() {
        let closed = AtomicBool::new(false);
        let mut pipe = Pipe { taken: Vec::new(), room: 6, error: ErrorKind::BrokenPipe, writes: 0 };
        write_to(&mut pipe, &closed, format_args!("one\n"));
        assert!(!closed.load(Ordering::Relaxed));
        write_to(&mut pipe, &closed, format_args!("two {}\n", 2));
        assert!(closed.load(Ordering::Relaxed));
        let writes = pipe.writes;
        write_to(&mut pipe, &closed, format_args!("three\n"));
        assert_eq!(pipe.writes, writes, "nothing is written once the pipe is closed");
        assert_eq!(pipe.taken, b"one\ntw");
    }

    #[test]
    fn other_errors_drop_one_write_and_do_not_close() {
        let closed = AtomicBool::new(false);
        let mut full = Pipe { taken: Vec::new(), room: 0, error: ErrorKind::StorageFull, writes: 0 };
        write_to(&mut full, &closed, format_args!("one\n"));
        write_to(&mut full, &closed, format_args!("two\n"));
        assert!(!closed.load(Ordering::Relaxed));
        assert_eq!(full.writes, 2);
    }
}
