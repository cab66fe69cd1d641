//! The only file-system output. Every file rolefit writes (`-o`, `--emit-lp`, `merge --out`,
//! a sweep's table and manifests) goes through here, so every writer treats what already sits
//! at the path the same way:
//!
//! - a regular file (or nothing yet) is replaced atomically: the new content goes to a
//!   temporary file next to it (created new, so a file or link planted at that name is never
//!   written through), is synced, takes the old file's mode and owner, and is renamed into
//!   place; a failure leaves the old file as it was and no temporary behind;
//! - a regular file with other hard links, or whose owner a new file cannot take, is rewritten
//!   in place once the new content is complete (as vim's `backupcopy=auto` does), so its links
//!   and owner stay;
//! - a FIFO or a character device (`/dev/null`, a terminal) is written in place: replacing it
//!   would turn it into a regular file;
//! - a symbolic link is followed: the file it points to is written, the link stays;
//! - a directory, a block device or a socket is refused.
//!
//! [`refuse_inputs`] refuses an output that is one of the command's inputs before anything
//! runs (`solve s.ron -o s.ron` would otherwise replace the scenario with its report).

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};

/// Why an output was not written: refused before anything was written (the user picks another
/// path), or failed while writing.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The path cannot be written as asked (an input of the command, a directory, ...).
    #[error("{path}: {why}")]
    Refused {
        /// The path as given.
        path: String,
        /// Why it is refused.
        why: String,
    },
    /// The file system failed while writing.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The path as given.
        path: String,
        /// What the file system said.
        source: io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn refused(path: &Path, why: impl Into<String>) -> OutputError {
    OutputError::Refused {
        path: path.display().to_string(),
        why: why.into(),
    }
}

/// Symbolic links followed at most this deep (Linux's own limit is 40).
const MAX_LINKS: usize = 40;

/// The path a write to `path` lands on: symbolic links followed (a dangling link gives the
/// file it names, created by the write), with what is there now.
fn resolve(path: &Path) -> Result<(PathBuf, Option<Metadata>), OutputError> {
    let mut at = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let meta = match std::fs::symlink_metadata(&at) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((at, None)),
            Err(e) => return Err(io_error(path)(e)),
        };
        if !meta.file_type().is_symlink() {
            return Ok((at, Some(meta)));
        }
        let target = std::fs::read_link(&at).map_err(io_error(path))?;
        at = match at.parent() {
            Some(dir) if target.is_relative() => dir.join(target),
            _ => target,
        };
    }
    Err(refused(path, "too many levels of symbolic links"))
}

/// How a write reaches what sits at the (resolved) path.
#[derive(Debug)]
enum Mode {
    /// A temporary file renamed over the target; `keep` is the file it replaces, whose mode
    /// and owner the new one takes.
    Replace { keep: Option<Metadata> },
    /// The content is completed in a temporary file, then copied over the target's bytes.
    InPlace,
    /// Written straight to the target: a FIFO or a character device.
    Stream,
}

#[cfg(unix)]
fn kind_of(meta: &Metadata) -> Result<Mode, &'static str> {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let t = meta.file_type();
    if t.is_file() {
        Ok(if meta.nlink() > 1 {
            Mode::InPlace
        } else {
            Mode::Replace {
                keep: Some(meta.clone()),
            }
        })
    } else if t.is_fifo() || t.is_char_device() {
        Ok(Mode::Stream)
    } else if t.is_dir() {
        Err("it is a directory")
    } else if t.is_block_device() {
        Err("it is a block device; rolefit writes reports, not disk images")
    } else {
        Err("it is a socket or another special file; write to a regular file instead")
    }
}

#[cfg(not(unix))]
fn kind_of(meta: &Metadata) -> Result<Mode, &'static str> {
    if meta.is_dir() {
        Err("it is a directory")
    } else {
        Ok(Mode::Replace {
            keep: Some(meta.clone()),
        })
    }
}

/// A file being written: [`Output::create`], write, then [`Output::commit`]. Dropped without a
/// commit (an error on the way), it leaves the target as it was and removes its temporary file.
pub struct Output {
    /// The path as the user named it (for messages).
    shown: PathBuf,
    /// Where the bytes land (links resolved).
    target: PathBuf,
    mode: Mode,
    temp: Option<tempfile::NamedTempFile>,
    stream: Option<File>,
}

impl Output {
    /// Opens `path` for writing the way what sits there must be written (see the module docs);
    /// nothing is visible at the path until [`Output::commit`].
    pub fn create(path: &Path) -> Result<Output, OutputError> {
        let (target, meta) = resolve(path)?;
        let mode = match &meta {
            None => Mode::Replace { keep: None },
            Some(m) => kind_of(m).map_err(|why| refused(path, why))?,
        };
        let mut out = Output {
            shown: path.to_path_buf(),
            target,
            mode,
            temp: None,
            stream: None,
        };
        match out.mode {
            Mode::Stream => {
                let f = OpenOptions::new()
                    .write(true)
                    .open(&out.target)
                    .map_err(io_error(path))?;
                out.stream = Some(f);
            }
            Mode::Replace { .. } | Mode::InPlace => out.temp = Some(out.temporary()?),
        }
        Ok(out)
    }

    /// A new file next to the target (a rename is atomic only within one file system),
    /// readable as a file `File::create` makes would be (mode 0666 less the umask).
    fn temporary(&self) -> Result<tempfile::NamedTempFile, OutputError> {
        let dir = self
            .target
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = self
            .target
            .file_name()
            .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
        let prefix = format!(".{name}.");
        let mut b = tempfile::Builder::new();
        b.prefix(&prefix).suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            b.permissions(std::fs::Permissions::from_mode(0o666));
        }
        b.tempfile_in(dir).map_err(io_error(&self.shown))
    }

    fn file(&mut self) -> &mut File {
        match (&mut self.temp, &mut self.stream) {
            (Some(t), _) => t.as_file_mut(),
            (None, Some(s)) => s,
            (None, None) => unreachable!("an output has a temporary file or a stream"),
        }
    }

    /// Puts the written bytes in place.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let shown = self.shown.clone();
        let err = io_error(&shown);
        match std::mem::replace(&mut self.mode, Mode::Stream) {
            Mode::Stream => self.file().flush().map_err(err),
            Mode::Replace { keep } => {
                let temp = self
                    .temp
                    .take()
                    .expect("a replacing output has a temporary file");
                temp.as_file().sync_all().map_err(io_error(&shown))?;
                if let Some(old) = &keep
                    && !take_mode_and_owner(temp.as_file(), old).map_err(io_error(&shown))?
                {
                    // The new file cannot have the old one's owner: keep the file instead.
                    return copy_over(temp, &self.target).map_err(io_error(&shown));
                }
                temp.persist(&self.target)
                    .map(drop)
                    .map_err(|e| io_error(&shown)(e.error))
            }
            Mode::InPlace => {
                let temp = self
                    .temp
                    .take()
                    .expect("an in-place output has a temporary file");
                copy_over(temp, &self.target).map_err(err)
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file().flush()
    }
}

/// Gives `new` the permissions and owner of `old`; `false` when the owner cannot be given
/// (only root may give a file away), and the old file must be rewritten instead.
#[cfg(unix)]
fn take_mode_and_owner(new: &File, old: &Metadata) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    new.set_permissions(old.permissions())?;
    let mine = new.metadata()?;
    if (mine.uid(), mine.gid()) == (old.uid(), old.gid()) {
        return Ok(true);
    }
    Ok(std::os::unix::fs::fchown(new, Some(old.uid()), Some(old.gid())).is_ok())
}

#[cfg(not(unix))]
fn take_mode_and_owner(new: &File, old: &Metadata) -> io::Result<bool> {
    new.set_permissions(old.permissions())?;
    Ok(true)
}

/// Rewrites `target` with the complete content of `temp`, keeping the file (its links, owner
/// and mode); `temp` is removed when dropped.
fn copy_over(temp: tempfile::NamedTempFile, target: &Path) -> io::Result<()> {
    let mut from = temp.reopen()?;
    from.rewind()?;
    rewrite(&mut from, target)
}

/// Overwrites the bytes of the existing file `target` with `from`'s and cuts it to their length.
fn rewrite(from: &mut File, target: &Path) -> io::Result<()> {
    let mut to = OpenOptions::new().write(true).open(target)?;
    let len = io::copy(from, &mut to)?;
    to.set_len(len)?;
    to.sync_all()
}

/// Writes a whole file (see the module documentation for what happens to what is there).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let mut out = Output::create(path)?;
    out.write_all(bytes).map_err(io_error(path))?;
    out.commit()
}

/// Moves a finished file `from` (written next to `to`, e.g. a sweep's `.partial`) to `to`,
/// treating what is at `to` as [`write_file`] does. Only a regular file (or nothing) may be at
/// `to`: a sweep's table is resumed and merged from its file.
pub fn install(from: &Path, to: &Path) -> Result<(), OutputError> {
    let (target, meta) = resolve(to)?;
    let mode = match &meta {
        None => Mode::Replace { keep: None },
        Some(m) => kind_of(m).map_err(|why| refused(to, why))?,
    };
    let in_place = match mode {
        Mode::Stream => {
            return Err(refused(
                to,
                "it is a FIFO or a device; a sweep writes its table to a regular file",
            ));
        }
        Mode::InPlace => true,
        Mode::Replace { keep: None } => false,
        Mode::Replace { keep: Some(old) } => {
            let f = File::open(from).map_err(io_error(to))?;
            !take_mode_and_owner(&f, &old).map_err(io_error(to))?
        }
    };
    if in_place {
        let mut f = File::open(from).map_err(io_error(to))?;
        rewrite(&mut f, &target).map_err(io_error(to))?;
        return std::fs::remove_file(from).map_err(io_error(from));
    }
    std::fs::rename(from, &target).map_err(io_error(to))
}

/// Whether two paths name the same existing file (the same inode on Unix, so hard links and
/// symbolic links count as the same file).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => identity(&x, a) == identity(&y, b),
        _ => false,
    }
}

#[cfg(unix)]
fn identity(m: &Metadata, _: &Path) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn identity(_: &Metadata, p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Refuses to run when an output would land on one of the command's inputs, or two outputs on
/// one file: the run would destroy the input (and report success).
pub fn refuse_inputs(outputs: &[&Path], inputs: &[PathBuf]) -> Result<(), OutputError> {
    for (k, out) in outputs.iter().enumerate() {
        if let Some(input) = inputs.iter().find(|i| same_file(out, i)) {
            return Err(refused(
                out,
                format!(
                    "this is {}, an input of this command: writing there would destroy it; choose another output name",
                    input.display()
                ),
            ));
        }
        if let Some(other) = outputs[..k].iter().find(|o| same_file(out, o) || out == *o) {
            return Err(refused(
                out,
                format!(
                    "{} is written by this command too; give each output its own name",
                    other.display()
                ),
            ));
        }
    }
    Ok(())
}

/// Keeps `bytes` (what a file held before rolefit replaces it) in a new file beside `path`:
/// `NAME.orig`, or `NAME.orig.1`, `NAME.orig.2`... when that exists. Never overwrites anything
/// (each name is created new, so nothing planted at it is written through); returns the name
/// used. The workshop's Save keeps the scenario file this way before its first save.
pub fn keep_copy(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
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
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{ATTEMPTS} names for a copy of {name} are all taken"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").unwrap();
        write_file(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing_dir").join("out.txt");
        assert!(write_file(&path, b"new").is_err());
        assert!(!path.exists());
    }

    #[test]
    fn an_uncommitted_output_leaves_what_was_there_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.md");
        std::fs::write(&path, "kept").unwrap();
        let mut out = Output::create(&path).unwrap();
        out.write_all(b"half a rep").unwrap();
        drop(out);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "kept");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_directory_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.md");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("keep.txt"), "kept").unwrap();
        let e = write_file(&target, b"new").unwrap_err();
        assert!(e.to_string().contains("is a directory"), "{e}");
        assert_eq!(
            std::fs::read_to_string(target.join("keep.txt")).unwrap(),
            "kept"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_planted_at_a_temporary_name_is_not_written_through() {
        // Temporary names are random and created with O_EXCL: plant links at many names of
        // the old predictable pattern, and at the target's own directory entry prefix.
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "untouched").unwrap();
        for n in 0..20 {
            let planted = dir
                .path()
                .join(format!(".out.txt.{}.{n}.tmp", std::process::id()));
            std::os::unix::fs::symlink(&victim, &planted).unwrap();
        }
        let path = dir.path().join("out.txt");
        write_file(&path, b"report").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "report");
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_followed_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.md");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink("real.md", &link).unwrap();
        write_file(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }

    #[cfg(unix)]
    #[test]
    fn mode_0600_is_kept_and_hard_links_stay_linked() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.md");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_file(&path, b"new").unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(meta.mode() & 0o777, 0o600);

        let other = dir.path().join("other-name.md");
        std::fs::hard_link(&path, &other).unwrap();
        write_file(&path, b"newer, and longer than before").unwrap();
        assert_eq!(
            std::fs::read_to_string(&other).unwrap(),
            "newer, and longer than before"
        );
        write_file(&path, b"short").unwrap();
        assert_eq!(std::fs::read_to_string(&other).unwrap(), "short");
        assert_eq!(std::fs::metadata(&path).unwrap().nlink(), 2);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn a_character_device_is_written_in_place_not_replaced() {
        write_file(Path::new("/dev/null"), b"report").unwrap();
        use std::os::unix::fs::FileTypeExt;
        assert!(
            std::fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device()
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_output_on_an_input_or_another_output_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("s.ron");
        std::fs::write(&input, "Scenario()").unwrap();
        let link = dir.path().join("link.ron");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        let hard = dir.path().join("hard.ron");
        std::fs::hard_link(&input, &hard).unwrap();
        for out in [&input, &link, &hard] {
            let e = refuse_inputs(&[out.as_path()], std::slice::from_ref(&input)).unwrap_err();
            assert!(e.to_string().contains("an input of this command"), "{e}");
        }
        let fresh = dir.path().join("new.md");
        refuse_inputs(&[fresh.as_path()], std::slice::from_ref(&input)).unwrap();
        let e = refuse_inputs(&[fresh.as_path(), fresh.as_path()], &[]).unwrap_err();
        assert!(
            e.to_string().contains("give each output its own name"),
            "{e}"
        );
    }
}
