//! The only file-system output: whole files written to a temporary name and renamed into place,
//! so a failed run never leaves a half-written file or damages one that was there.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let (tmp, mut f) = create_temporary(dir, &name)?;
    let result = (|| {
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Keeps `bytes` (what a file held before rolefit replaces it) in a new file beside `path`:
/// `NAME.orig`, or `NAME.orig.1`, `NAME.orig.2`... when that exists. Never overwrites anything;
/// returns the name used.
pub fn keep_copy(path: &Path, bytes: &[u8]) -> std::io::Result<PathBuf> {
    const ATTEMPTS: u32 = 100;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    for attempt in 0..ATTEMPTS {
        let copy = path.with_file_name(match attempt {
            0 => format!("{name}.orig"),
            n => format!("{name}.orig.{n}"),
        });
        match OpenOptions::new().write(true).create_new(true).open(&copy) {
            Ok(mut f) => {
                f.write_all(bytes)?;
                f.sync_all()?;
                return Ok(copy);
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        ErrorKind::AlreadyExists,
        format!("{ATTEMPTS} names for a copy of {name} are all taken"),
    ))
}

/// A new temporary file next to the target (a rename is only atomic within one file system).
/// `create_new` refuses a name that already exists, so a file or symbolic link someone placed
/// at that name is never written through; the next name is tried instead.
fn create_temporary(dir: &Path, name: &str) -> std::io::Result<(PathBuf, File)> {
    const ATTEMPTS: u32 = 100;
    for attempt in 0..ATTEMPTS {
        let tmp = dir.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        ErrorKind::AlreadyExists,
        format!("{ATTEMPTS} temporary names next to {name} are all taken"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing_dir").join("out.txt");
        assert!(write_atomic(&path, b"new").is_err());
        assert!(!path.exists());
    }

    #[test]
    fn a_failed_rename_leaves_what_was_there_and_no_temporary() {
        // A directory with a file in it cannot be replaced by a file: the rename fails.
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.md");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("keep.txt"), "kept").unwrap();
        assert!(write_atomic(&target, b"new").is_err());
        assert_eq!(
            std::fs::read_to_string(target.join("keep.txt")).unwrap(),
            "kept"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_kept_copy_never_overwrites_an_earlier_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.ron");
        let first = keep_copy(&path, b"one").unwrap();
        let second = keep_copy(&path, b"two").unwrap();
        assert_eq!(first, dir.path().join("s.ron.orig"));
        assert_eq!(second, dir.path().join("s.ron.orig.1"));
        assert_eq!(std::fs::read_to_string(first).unwrap(), "one");
        assert_eq!(std::fs::read_to_string(second).unwrap(), "two");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_planted_at_the_temporary_name_is_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "untouched").unwrap();
        let planted = dir
            .path()
            .join(format!(".out.txt.{}.0.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let path = dir.path().join("out.txt");
        write_atomic(&path, b"report").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "report");
    }
}
