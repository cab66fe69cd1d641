//! Reading a sweep table back, line by line, with bounded memory, and the digest that tells an
//! intact table from an edited or torn one.
//!
//! Every reader of a table (`--resume`, `merge`, `summarize`) goes through [`Lines`]: a line
//! longer than [`MAX_LINE_BYTES`] is an error, not an allocation that grows until the process
//! aborts (`summarize /dev/zero`).

use std::io::{self, BufRead, Read};

/// Longest line of a table: above the longest row a sweep can write (100 roles, each with a
/// holder and a sector cell of up to 1000 partners of 64-character ids, and 64 factors of
/// 10 000-character levels come to about 14 MB).
pub const MAX_LINE_BYTES: u64 = 16 * 1024 * 1024;

/// A running FNV-1a (64-bit) hash: stable across platforms and Rust versions, cheap enough to
/// run over every byte a sweep writes. It detects changes made by accident or by a careless
/// edit; it is not a signature (whoever can edit the table can edit its manifest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digest(u64);

impl Default for Digest {
    fn default() -> Self {
        Digest(0xcbf2_9ce4_8422_2325)
    }
}

impl Digest {
    /// Adds `bytes` to the hash.
    pub fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// The hash as 16 lower-case hex digits, as written in a manifest.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// One line read from a table.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A line with its newline (the newline is not in the text).
    Complete,
    /// The last bytes of the file, without a newline: a row cut short by a crash.
    Torn,
    /// The end of the file.
    End,
}

/// Why a table could not be read line by line.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    /// Reading failed.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// Line number (1-based) of a line longer than [`MAX_LINE_BYTES`].
    #[error("line {0} is longer than {MAX_LINE_BYTES} bytes: this is not a sweep table")]
    TooLong(u64),
    /// Line number (1-based) of a line that is not valid UTF-8.
    #[error("line {0} is not UTF-8 text: this is not a sweep table")]
    NotText(u64),
}

/// The lines of a table, each at most [`MAX_LINE_BYTES`], with the digest of the bytes read.
pub struct Lines<R> {
    reader: R,
    buf: Vec<u8>,
    /// Lines read so far (the number of the last one).
    pub number: u64,
    /// Bytes of the complete lines read so far.
    pub bytes: u64,
    /// Digest of the complete lines read so far (newlines included).
    pub digest: Digest,
}

impl<R: BufRead> Lines<R> {
    /// Starts reading `reader` from its current position, at line 0 with an empty digest.
    pub fn new(reader: R) -> Self {
        Lines {
            reader,
            buf: Vec::new(),
            number: 0,
            bytes: 0,
            digest: Digest::default(),
        }
    }

    /// Reads the next line; its text (without the newline) is [`Lines::text`]. A torn last
    /// line is not counted in `bytes` or the digest.
    pub fn next_line(&mut self) -> Result<Line, LineError> {
        self.buf.clear();
        let n = (&mut self.reader)
            .take(MAX_LINE_BYTES + 1)
            .read_until(b'\n', &mut self.buf)?;
        if n == 0 {
            return Ok(Line::End);
        }
        self.number += 1;
        if self.buf.last() != Some(&b'\n') {
            if n as u64 > MAX_LINE_BYTES {
                return Err(LineError::TooLong(self.number));
            }
            return Ok(Line::Torn);
        }
        if std::str::from_utf8(&self.buf).is_err() {
            return Err(LineError::NotText(self.number));
        }
        self.bytes += n as u64;
        self.digest.update(&self.buf);
        self.buf.pop();
        Ok(Line::Complete)
    }

    /// The text of the line last read (for a torn line, what there is of it, if UTF-8).
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.buf).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_a_torn_end_and_the_digest_of_complete_lines() {
        let mut l = Lines::new(&b"run,x\n0,1\n1,"[..]);
        assert_eq!(l.next_line().unwrap(), Line::Complete);
        assert_eq!(l.text(), "run,x");
        assert_eq!(l.next_line().unwrap(), Line::Complete);
        assert_eq!(l.next_line().unwrap(), Line::Torn);
        assert_eq!(l.text(), "1,");
        assert_eq!(l.bytes, 10);
        let mut d = Digest::default();
        d.update(b"run,x\n0,1\n");
        assert_eq!(l.digest, d);
    }

    #[test]
    fn an_endless_line_is_an_error_not_an_allocation() {
        let zeros = std::io::BufReader::new(std::io::repeat(0));
        let mut l = Lines::new(zeros);
        assert!(matches!(l.next_line(), Err(LineError::TooLong(1))));
    }
}
