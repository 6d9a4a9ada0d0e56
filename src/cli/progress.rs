//! Progress of long work on stderr, when stderr is a terminal: one line rewritten in
//! place ("正在导入名册… 3200 / 10000"), cleared when the work ends. When stderr is a
//! file or a pipe (a script, the tests) nothing extra is written.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::core::progress::Progress;

/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(200);

/// Runs `work` with a [`Progress`] that is shown on stderr while it runs, if stderr is
/// a terminal.
pub fn on_stderr<T>(label: &str, work: impl FnOnce(&Progress) -> T) -> T {
    if std::io::stderr().is_terminal() {
        shown(label, TICK, std::io::stderr(), work)
    } else {
        work(&Progress::none())
    }
}

/// Runs `work`, redrawing its counts on `out` every `tick` from another thread.
fn shown<T>(
    label: &str,
    tick: Duration,
    out: impl Write + Send,
    work: impl FnOnce(&Progress) -> T,
) -> T {
    let progress = Progress::none();
    let finished = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let printer = scope.spawn(|| {
            let mut out = out;
            let mut drawn = false;
            while !finished.load(Ordering::Acquire) {
                std::thread::park_timeout(tick);
                if let Some(counts) = progress.counts_text() {
                    let _ = write!(out, "\r{label}… {counts}\x1b[K");
                    let _ = out.flush();
                    drawn = true;
                }
            }
            if drawn {
                // The line is cleared: what the command prints next starts clean.
                let _ = write!(out, "\r\x1b[K");
                let _ = out.flush();
            }
        });
        let value = work(&progress);
        finished.store(true, Ordering::Release);
        printer.thread().unpark();
        value
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// What the printer wrote, shared with the test.
    #[derive(Clone, Default)]
    struct Screen(Arc<Mutex<Vec<u8>>>);

    impl Write for Screen {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Screen {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    #[test]
    fn the_counts_are_redrawn_in_place_and_cleared_at_the_end() {
        let screen = Screen::default();
        let watched = screen.clone();
        let value = shown(
            "正在导入名册",
            Duration::from_millis(1),
            screen.clone(),
            |progress| {
                progress.set_total(10_000);
                progress.advance(3_200);
                // Until the line with these counts was drawn.
                while !watched.text().contains("3200 / 10000") {
                    std::thread::yield_now();
                }
                progress.advance(6_800);
                while !watched.text().contains("10000 / 10000") {
                    std::thread::yield_now();
                }
                7
            },
        );
        assert_eq!(value, 7);
        let text = screen.text();
        assert!(text.starts_with("\r正在导入名册… "), "{text:?}");
        assert!(text.ends_with("\r\x1b[K"), "{text:?}");
    }

    #[test]
    fn work_that_never_counts_draws_nothing() {
        let screen = Screen::default();
        shown(
            "正在校验",
            Duration::from_millis(1),
            screen.clone(),
            |_| {
                std::thread::sleep(Duration::from_millis(20));
            },
        );
        assert_eq!(screen.text(), "");
    }
}
