//! One writer per sweep output: an exclusive lock held while a sweep (or a merge) writes a
//! table, its `.partial` rows and its manifests. Two `sweep --resume` runs on one `--out`
//! interleaved their rows into a table that looked finished (17 332 lines for 10 000 runs);
//! the second is now refused.
//!
//! The lock is `OUT.lock`, locked with the operating system's advisory file lock (`flock` on
//! Unix, which NFS clients forward to the server), so a crashed or killed writer never leaves
//! a stale lock: the lock goes with the process. The file is removed when the writer finishes;
//! a writer checks after locking that the file it locked is still the one at the path, so a
//! removal racing with a new writer cannot let two writers in.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Why the output lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another live process holds the lock.
    #[error(
        "{out}: another rolefit is writing this output ({lock} is locked); wait for it to finish, or choose another --out"
    )]
    Busy {
        /// Path of the output.
        out: String,
        /// Path of the lock file.
        lock: String,
    },
    /// The lock file could not be opened, locked or checked.
    #[error("{lock}: cannot lock the output: {source}")]
    Io {
        /// Path of the lock file.
        lock: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Held while a table is written; dropping it removes the lock file and releases the lock.
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
    _file: File,
}

/// `out.csv` -> `out.csv.lock`.
pub fn lock_path(out: &Path) -> PathBuf {
    super::stream::with_suffix(out, ".lock")
}

impl OutputLock {
    /// Takes the lock of `out`, or says who holds it. Never waits.
    pub fn acquire(out: &Path) -> Result<OutputLock, LockError> {
        let path = lock_path(out);
        let io = |source| LockError::Io {
            lock: path.display().to_string(),
            source,
        };
        // A few rounds cover a lock file removed between our open and our lock; more would
        // mean something keeps replacing the file, which is worth an error.
        for _ in 0..8 {
            if let Ok(m) = std::fs::symlink_metadata(&path)
                && !m.file_type().is_file()
            {
                return Err(io(std::io::Error::other(
                    "it is not a regular file; remove it",
                )));
            }
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(LockError::Busy {
                        out: out.display().to_string(),
                        lock: path.display().to_string(),
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
            }
            let held = file.metadata().map_err(io)?;
            match std::fs::symlink_metadata(&path) {
                Ok(now) if same_inode(&held, &now) => {
                    return Ok(OutputLock { path, _file: file });
                }
                // Removed (or replaced) by the writer we were waiting on: lock the new one.
                _ => continue,
            }
        }
        Err(io(std::io::Error::other(
            "the lock file keeps being replaced while it is taken",
        )))
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still locked, so whoever opens the path next gets a new file.
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(unix)]
fn same_inode(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[cfg(not(unix))]
fn same_inode(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.len() == b.len() && a.modified().ok() == b.modified().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_until_the_first_is_done() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.csv");
        let first = OutputLock::acquire(&out).unwrap();
        let e = OutputLock::acquire(&out).unwrap_err();
        assert!(e.to_string().contains("another rolefit is writing"), "{e}");
        drop(first);
        assert!(!lock_path(&out).exists(), "the lock file is removed");
        let again = OutputLock::acquire(&out).unwrap();
        drop(again);
    }
}
