//! Standard output for every command. A reader that closes the pipe early (`rolecall docs ... |
//! head`) ends the command quietly, as Unix tools end, instead of std's panic on a failed
//! `println!`; any other failure to write is reported on standard error, exit status 74.

use std::io::{ErrorKind, Write};

/// Writes formatted text to standard output (the `out!` and `outln!` macros).
pub fn write(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        if e.kind() == ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("rolecall: cannot write the output: {e}");
        std::process::exit(74);
    }
}

/// `print!` to standard output, ending quietly when the reader has gone.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::write(format_args!($($arg)*)) };
}

/// `println!` to standard output, ending quietly when the reader has gone.
#[macro_export]
macro_rules! outln {
    () => { $crate::output::write(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::write(format_args!("{}\n", format_args!($($arg)*))) };
}
