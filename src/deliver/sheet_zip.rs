//! A big part of a zip archive deflated in parallel, and the archive assembled around it.
//!
//! The workbook's Iterations sheet is most of `results.xlsx` (about 200 MB of XML at 100,000
//! rows of gm-sized). Deflating it on one core took most of a run's tail, so it is made in
//! pieces instead, pigz style: each piece of XML is raw-deflated by a compressor of its own and
//! ended on a byte boundary with a sync flush (an empty stored block), so the pieces,
//! concatenated, are one valid deflate stream; the last piece ends it. Their CRC-32s are
//! combined in order. Pieces are cut where the caller says (by rows, never by thread count), so
//! the bytes are the same with any number of threads.
//!
//! [`replace`] then copies every other entry of an archive (rust_xlsxwriter's) as it is,
//! compressed bytes, CRC, time and attributes, and puts the pieces in place of one entry, in a
//! plain zip written here: local headers with their sizes (no data descriptors), the central
//! directory, the end record; Zip64 fields where a size or offset needs them (see
//! [`needs_zip64`]).

use std::io::Read;

use flate2::{Compress, Compression, FlushCompress, Status};
use rayon::prelude::*;

/// Why an archive could not be assembled: a bug (the archive is rust_xlsxwriter's, made a
/// moment before), so the message says what was found.
#[derive(Debug, thiserror::Error)]
#[error("cannot assemble the zip archive: {0}")]
pub struct ZipError(String);

impl ZipError {
    pub fn new(message: impl Into<String>) -> ZipError {
        ZipError(message.into())
    }
}

fn bad(message: impl Into<String>) -> ZipError {
    ZipError::new(message)
}

/// Part of a raw deflate stream, made in pieces and held as one buffer: the compressed bytes,
/// the CRC-32 and length of the bytes they hold, and whether the stream's final block is in.
#[derive(Debug, Clone, Default)]
pub struct Deflated {
    data: Vec<u8>,
    crc: crc32fast::Hasher,
    size: u64,
    finished: bool,
}

/// A whole entry's deflate stream: a small head, the big body made ahead, a small tail that
/// ends the stream. Kept apart so that the archive is assembled in the body's own buffer (see
/// [`write`]): the body is not copied into a second buffer as big.
#[derive(Debug)]
pub struct Framed {
    head: Vec<u8>,
    body: Vec<u8>,
    tail: Vec<u8>,
    crc: u32,
    size: u64,
}

/// `input` raw-deflated on its own at `level`: ended by a sync flush (a byte boundary, the
/// stream open) or, when `last`, by the stream's final block.
fn deflate(input: &[u8], level: u32, last: bool) -> Vec<u8> {
    let mut c = Compress::new(Compression::new(level), false);
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    let mut out = Vec::with_capacity(input.len() / 4 + 64);
    loop {
        let done = c.total_in() as usize;
        // Compressing into memory fails only on misuse of the stream (a bug).
        let status = c
            .compress_vec(&input[done..], &mut out, flush)
            .expect("deflate into memory");
        let all_in = c.total_in() as usize == input.len();
        let room = out.len() < out.capacity();
        match status {
            Status::StreamEnd => break,
            _ if !last && all_in && room => break,
            _ => out.reserve(out.capacity().max(4096)),
        }
    }
    out
}

impl Deflated {
    /// One piece: `xml` deflated on its own, the stream left open.
    fn piece(xml: &[u8], level: u32) -> Deflated {
        Deflated::of(xml, level, false)
    }

    fn of(xml: &[u8], level: u32, last: bool) -> Deflated {
        let mut crc = crc32fast::Hasher::new();
        crc.update(xml);
        Deflated {
            data: deflate(xml, level, last),
            crc,
            size: xml.len() as u64,
            finished: last,
        }
    }

    /// `count` pieces made in parallel (with rayon), a batch of them at a time so that few
    /// are held besides the one buffer they are gathered in: `make(k, buffer)` writes the
    /// bytes of piece `k` into an empty buffer and says what it likes of them. The same bytes
    /// at any number of threads.
    pub fn in_parallel<T: Send>(
        count: usize,
        level: u32,
        make: impl Fn(usize, &mut Vec<u8>) -> T + Sync,
    ) -> (Deflated, Vec<T>) {
        const BATCH: usize = 32;
        let mut all = Deflated::default();
        let mut saids = Vec::with_capacity(count);
        for first in (0..count).step_by(BATCH) {
            let pieces: Vec<(Deflated, T)> = (first..count.min(first + BATCH))
                .into_par_iter()
                .map_init(Vec::new, |buffer, k| {
                    buffer.clear();
                    let said = make(k, buffer);
                    (Deflated::piece(buffer, level), said)
                })
                .collect();
            for (p, said) in pieces {
                all.append(&p);
                saids.push(said);
            }
        }
        (all, saids)
    }

    /// `other`'s bytes after these.
    pub fn append(&mut self, other: &Deflated) {
        debug_assert!(!self.finished, "nothing follows the final block");
        self.crc.combine(&other.crc);
        self.size += other.size;
        self.data.extend_from_slice(&other.data);
        self.finished = other.finished;
    }

    /// `before`, these bytes, then `after`, the stream ended: a whole entry's data.
    pub fn framed(self, before: &[u8], after: &[u8], level: u32) -> Framed {
        let mut whole = Deflated::piece(before, level);
        let head = std::mem::take(&mut whole.data);
        whole.crc.combine(&self.crc);
        whole.size += self.size;
        let tail = Deflated::of(after, level, true);
        whole.crc.combine(&tail.crc);
        whole.size += tail.size;
        Framed {
            head,
            body: self.data,
            tail: tail.data,
            crc: whole.crc.finalize(),
            size: whole.size,
        }
    }
}

impl Framed {
    fn len(&self) -> u64 {
        (self.head.len() + self.body.len() + self.tail.len()) as u64
    }
}

/// Whether an entry's local and central headers need Zip64 fields: its size or its compressed
/// size does not fit the 32-bit fields (0xFFFFFFFF itself means "see Zip64"). An Iterations
/// sheet of Excel's 1,048,575 rows with a hundred columns or more is past 4 GiB of XML.
fn needs_zip64(size: u64, compressed_size: u64) -> bool {
    size >= u64::from(u32::MAX) || compressed_size >= u64::from(u32::MAX)
}

/// An offset (of a local header, or of the central directory) that needs a Zip64 field.
fn offset_needs_zip64(offset: u64) -> bool {
    offset >= u64::from(u32::MAX)
}

/// One entry of an archive, as its central directory describes it.
#[derive(Debug)]
struct Entry<'a> {
    name: &'a [u8],
    version_made_by: u16,
    flags: u16,
    method: u16,
    time: u16,
    date: u16,
    crc: u32,
    size: u64,
    external_attributes: u32,
    data: Data<'a>,
}

#[derive(Debug)]
enum Data<'a> {
    Copied(&'a [u8]),
    Framed(Framed),
}

impl Data<'_> {
    fn len(&self) -> u64 {
        match self {
            Data::Copied(b) => b.len() as u64,
            Data::Framed(f) => f.len(),
        }
    }
}

/// The archive's bytes as written: those before the big body, the body (in its own buffer),
/// those after it.
#[derive(Default)]
struct Sink {
    front: Vec<u8>,
    body: Option<Vec<u8>>,
    back: Vec<u8>,
}

impl Sink {
    fn put(&mut self, bytes: &[u8]) {
        if self.body.is_some() {
            self.back.extend_from_slice(bytes);
        } else {
            self.front.extend_from_slice(bytes);
        }
    }

    fn len(&self) -> u64 {
        (self.front.len() + self.body.as_ref().map_or(0, Vec::len) + self.back.len()) as u64
    }

    fn body(&mut self, body: Vec<u8>) {
        if self.body.is_some() {
            self.put(&body);
        } else {
            self.body = Some(body);
        }
    }

    /// The bytes in one buffer: the body's, grown in place (no second copy of it).
    fn into_bytes(self) -> Vec<u8> {
        let Some(mut body) = self.body else {
            return self.front;
        };
        let (n, m) = (self.front.len(), body.len());
        body.reserve_exact(n + self.back.len());
        body.resize(n + m, 0);
        body.copy_within(0..m, n);
        body[..n].copy_from_slice(&self.front);
        body.extend_from_slice(&self.back);
        body
    }
}

fn u16_at(b: &[u8], at: usize) -> Result<u16, ZipError> {
    b.get(at..at + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or_else(|| bad("the archive ends inside a header"))
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, ZipError> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| bad("the archive ends inside a header"))
}

/// The entries of a plain (not Zip64) archive without a comment, in central-directory order.
fn entries(archive: &[u8]) -> Result<Vec<Entry<'_>>, ZipError> {
    const END: u32 = 0x0605_4b50;
    const CENTRAL: u32 = 0x0201_4b50;
    const LOCAL: u32 = 0x0403_4b50;
    let end = archive
        .len()
        .checked_sub(22)
        .ok_or_else(|| bad("too short for a zip archive"))?;
    if u32_at(archive, end)? != END {
        return Err(bad(
            "no end record where expected (a comment, or not a zip)",
        ));
    }
    let count = usize::from(u16_at(archive, end + 10)?);
    let mut at = u32_at(archive, end + 16)? as usize;
    if at == u32::MAX as usize {
        return Err(bad("a Zip64 archive (not expected here)"));
    }
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        if u32_at(archive, at)? != CENTRAL {
            return Err(bad(format!("no central header at byte {at}")));
        }
        let name_len = usize::from(u16_at(archive, at + 28)?);
        let extra_len = usize::from(u16_at(archive, at + 30)?);
        let comment_len = usize::from(u16_at(archive, at + 32)?);
        let compressed = u32_at(archive, at + 20)?;
        let size = u32_at(archive, at + 24)?;
        let local = u32_at(archive, at + 42)?;
        if [compressed, size, local].contains(&u32::MAX) {
            return Err(bad("an entry with Zip64 fields (not expected here)"));
        }
        let name = archive
            .get(at + 46..at + 46 + name_len)
            .ok_or_else(|| bad("the archive ends inside a name"))?;
        let local = local as usize;
        if u32_at(archive, local)? != LOCAL {
            return Err(bad(format!("no local header at byte {local}")));
        }
        let start = local
            + 30
            + usize::from(u16_at(archive, local + 26)?)
            + usize::from(u16_at(archive, local + 28)?);
        let data = archive
            .get(start..start + compressed as usize)
            .ok_or_else(|| bad("the archive ends inside an entry's data"))?;
        out.push(Entry {
            name,
            version_made_by: u16_at(archive, at + 4)?,
            // Sizes go in the local header here: no data descriptor.
            flags: u16_at(archive, at + 8)? & !0x0008,
            method: u16_at(archive, at + 10)?,
            time: u16_at(archive, at + 12)?,
            date: u16_at(archive, at + 14)?,
            crc: u32_at(archive, at + 16)?,
            size: u64::from(size),
            external_attributes: u32_at(archive, at + 38)?,
            data: Data::Copied(data),
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(out)
}

/// An entry's bytes, uncompressed, its CRC checked.
fn uncompressed(e: &Entry<'_>) -> Result<Vec<u8>, ZipError> {
    let Data::Copied(data) = &e.data else {
        return Err(bad("not a copied entry"));
    };
    let name = String::from_utf8_lossy(e.name);
    let bytes = match e.method {
        0 => data.to_vec(),
        8 => {
            let mut out = Vec::with_capacity(e.size as usize);
            flate2::read::DeflateDecoder::new(*data)
                .read_to_end(&mut out)
                .map_err(|err| bad(format!("{name}: {err}")))?;
            out
        }
        m => return Err(bad(format!("{name}: compression method {m}"))),
    };
    if crc32fast::hash(&bytes) != e.crc || bytes.len() as u64 != e.size {
        return Err(bad(format!("{name}: CRC or size does not match")));
    }
    Ok(bytes)
}

fn put16(out: &mut Vec<u8>, x: u16) {
    out.extend_from_slice(&x.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, x: u32) {
    out.extend_from_slice(&x.to_le_bytes());
}

fn put64(out: &mut Vec<u8>, x: u64) {
    out.extend_from_slice(&x.to_le_bytes());
}

/// A 32-bit size or offset field: the value, or 0xFFFFFFFF where a Zip64 field holds it.
fn field32(x: u64, zip64: bool) -> u32 {
    if zip64 { u32::MAX } else { x as u32 }
}

/// The archive of `entries`, in order. `force_zip64` writes every entry's sizes and offsets as
/// Zip64 fields and a Zip64 end record (for the tests: readers must take them).
fn write(entries: Vec<Entry<'_>>, force_zip64: bool) -> Vec<u8> {
    let mut out = Sink::default();
    let mut central = Vec::new();
    let count = entries.len() as u64;
    for e in entries {
        let compressed = e.data.len();
        let offset = out.len();
        let sizes64 = force_zip64 || needs_zip64(e.size, compressed);
        let offset64 = force_zip64 || offset_needs_zip64(offset);
        let needed: u16 = if sizes64 || offset64 { 45 } else { 20 };
        let name_len = e.name.len() as u16;
        // Local header: the Zip64 extra field, where used, holds both sizes.
        let mut local = Vec::with_capacity(30 + e.name.len() + 20);
        put32(&mut local, 0x0403_4b50);
        put16(&mut local, needed);
        put16(&mut local, e.flags);
        put16(&mut local, e.method);
        put16(&mut local, e.time);
        put16(&mut local, e.date);
        put32(&mut local, e.crc);
        put32(&mut local, field32(compressed, sizes64));
        put32(&mut local, field32(e.size, sizes64));
        put16(&mut local, name_len);
        put16(&mut local, if sizes64 { 20 } else { 0 });
        local.extend_from_slice(e.name);
        if sizes64 {
            put16(&mut local, 0x0001);
            put16(&mut local, 16);
            put64(&mut local, e.size);
            put64(&mut local, compressed);
        }
        out.put(&local);
        match e.data {
            Data::Copied(b) => out.put(b),
            Data::Framed(f) => {
                out.put(&f.head);
                out.body(f.body);
                out.put(&f.tail);
            }
        }
        // Central header: the Zip64 extra field holds only the fields marked 0xFFFFFFFF, in
        // the order size, compressed size, offset.
        let extra = 8 * (2 * u16::from(sizes64) + u16::from(offset64));
        put32(&mut central, 0x0201_4b50);
        put16(
            &mut central,
            (e.version_made_by & 0xff00) | (e.version_made_by & 0xff).max(needed),
        );
        put16(&mut central, needed);
        put16(&mut central, e.flags);
        put16(&mut central, e.method);
        put16(&mut central, e.time);
        put16(&mut central, e.date);
        put32(&mut central, e.crc);
        put32(&mut central, field32(compressed, sizes64));
        put32(&mut central, field32(e.size, sizes64));
        put16(&mut central, name_len);
        put16(&mut central, if extra > 0 { 4 + extra } else { 0 });
        put16(&mut central, 0); // comment
        put16(&mut central, 0); // disk
        put16(&mut central, 0); // internal attributes
        put32(&mut central, e.external_attributes);
        put32(&mut central, field32(offset, offset64));
        central.extend_from_slice(e.name);
        if extra > 0 {
            put16(&mut central, 0x0001);
            put16(&mut central, extra);
            if sizes64 {
                put64(&mut central, e.size);
                put64(&mut central, compressed);
            }
            if offset64 {
                put64(&mut central, offset);
            }
        }
    }
    let central_at = out.len();
    let central_len = central.len() as u64;
    let end64 = force_zip64
        || offset_needs_zip64(central_at)
        || offset_needs_zip64(central_len)
        || count >= 0xFFFF;
    let mut end = central;
    if end64 {
        let record_at = central_at + central_len;
        put32(&mut end, 0x0606_4b50);
        put64(&mut end, 44);
        put16(&mut end, 45);
        put16(&mut end, 45);
        put32(&mut end, 0);
        put32(&mut end, 0);
        put64(&mut end, count);
        put64(&mut end, count);
        put64(&mut end, central_len);
        put64(&mut end, central_at);
        put32(&mut end, 0x0706_4b50);
        put32(&mut end, 0);
        put64(&mut end, record_at);
        put32(&mut end, 1);
    }
    let count16 = if end64 { u16::MAX } else { count as u16 };
    put32(&mut end, 0x0605_4b50);
    put16(&mut end, 0);
    put16(&mut end, 0);
    put16(&mut end, count16);
    put16(&mut end, count16);
    put32(&mut end, field32(central_len, end64));
    put32(&mut end, field32(central_at, end64));
    put16(&mut end, 0);
    out.put(&end);
    out.into_bytes()
}

/// `archive` with the entry `name` replaced: `make` gets the entry's bytes (uncompressed, its
/// CRC checked) and returns the new entry's whole deflate stream ([`Deflated::framed`]). Every
/// other entry is copied as it is, in order.
///
/// # Errors
/// The archive is not one this module reads (a plain zip without a comment), has no entry
/// `name`, or `make` fails.
pub fn replace(
    archive: &[u8],
    name: &str,
    make: impl FnOnce(Vec<u8>) -> Result<Framed, ZipError>,
) -> Result<Vec<u8>, ZipError> {
    replace_with(archive, name, make, false)
}

fn replace_with(
    archive: &[u8],
    name: &str,
    make: impl FnOnce(Vec<u8>) -> Result<Framed, ZipError>,
    force_zip64: bool,
) -> Result<Vec<u8>, ZipError> {
    let mut list = entries(archive)?;
    let e = list
        .iter_mut()
        .find(|e| e.name == name.as_bytes())
        .ok_or_else(|| bad(format!("no entry {name}")))?;
    let new = make(uncompressed(e)?)?;
    e.method = 8;
    e.crc = new.crc;
    e.size = new.size;
    e.data = Data::Framed(new);
    Ok(write(list, force_zip64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn inflate(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(data)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    fn text(k: usize) -> Vec<u8> {
        (0..1000)
            .map(|i| format!("<row r=\"{}\"><v>{}</v></row>", k * 1000 + i, i * i))
            .collect::<String>()
            .into_bytes()
    }

    #[test]
    fn pieces_make_one_stream_with_the_crc_of_the_whole() {
        let whole: Vec<u8> = (0..7).flat_map(text).collect();
        let d = Deflated::in_parallel(7, 2, |k, b| b.extend_from_slice(&text(k)))
            .0
            .framed(b"<head>", b"</tail>", 2);
        let mut expected = b"<head>".to_vec();
        expected.extend_from_slice(&whole);
        expected.extend_from_slice(b"</tail>");
        let stream: Vec<u8> = [d.head, d.body, d.tail].concat();
        assert_eq!(inflate(&stream), expected);
        assert_eq!(d.crc, crc32fast::hash(&expected));
        assert_eq!(d.size, expected.len() as u64);
        assert!(stream.len() < expected.len() / 3);
    }

    #[test]
    fn the_same_bytes_at_one_and_two_threads() {
        let make = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| {
                    Deflated::in_parallel(9, 2, |k, b| b.extend_from_slice(&text(k)))
                        .0
                        .data
                })
        };
        assert_eq!(make(1), make(2));
    }

    #[test]
    fn zip64_is_needed_from_four_gib() {
        let four = u64::from(u32::MAX);
        assert!(!needs_zip64(0, 0));
        assert!(!needs_zip64(four - 1, four - 1));
        assert!(needs_zip64(four, 10));
        assert!(needs_zip64(10, four));
        assert!(needs_zip64(5 << 30, 1 << 30));
        assert!(!offset_needs_zip64(four - 1));
        assert!(offset_needs_zip64(four));
    }

    /// A small archive as rust_xlsxwriter's zip writer makes one (streamed: data descriptors).
    fn archive() -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_number(0, 0, 4242.5).unwrap();
        wb.add_worksheet().write_number(0, 0, 1.5).unwrap();
        wb.save_to_buffer().unwrap()
    }

    fn read_back(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        (0..z.len())
            .map(|i| {
                let mut f = z.by_index(i).unwrap();
                let mut b = Vec::new();
                // Reading to the end checks the CRC.
                f.read_to_end(&mut b).unwrap();
                (f.name().unwrap().to_string(), b)
            })
            .collect()
    }

    fn replaced(force_zip64: bool) -> Vec<u8> {
        let original = archive();
        replace_with(
            &original,
            "xl/worksheets/sheet1.xml",
            |old| {
                let text = String::from_utf8(old).unwrap();
                let at = text.find("4242.5").unwrap();
                Ok(
                    Deflated::in_parallel(3, 2, |k, b| write!(b, "new & {k} ").unwrap())
                        .0
                        .framed(&text.as_bytes()[..at], &text.as_bytes()[at + 6..], 6),
                )
            },
            force_zip64,
        )
        .unwrap()
    }

    #[test]
    fn an_entry_is_replaced_and_the_others_copied_with_their_crcs() {
        let original = read_back(&archive());
        for force in [false, true] {
            let new = read_back(&replaced(force));
            assert_eq!(new.len(), original.len());
            for ((n1, b1), (n2, b2)) in original.iter().zip(&new) {
                assert_eq!(n1, n2);
                if n1 == "xl/worksheets/sheet1.xml" {
                    let was = String::from_utf8(b1.clone()).unwrap();
                    let now = String::from_utf8(b2.clone()).unwrap();
                    assert_eq!(was.replace("4242.5", "new & 0 new & 1 new & 2 "), now);
                } else {
                    assert_eq!(b1, b2, "{n1}");
                }
            }
        }
    }

    #[test]
    fn zip64_fields_are_written_where_asked() {
        let plain = replaced(false);
        let zip64 = replaced(true);
        // The Zip64 end record and its locator, and 20 more bytes a local header.
        assert_eq!(
            zip64
                .windows(4)
                .filter(|w| *w == [0x50, 0x4b, 6, 6])
                .count(),
            1
        );
        assert_eq!(
            zip64
                .windows(4)
                .filter(|w| *w == [0x50, 0x4b, 6, 7])
                .count(),
            1
        );
        assert!(zip64.len() > plain.len() + 20 * entries(&plain).unwrap().len());
        assert!(entries(&zip64).is_err(), "read as Zip64 only");
        let z = zip::ZipArchive::new(std::io::Cursor::new(&zip64)).unwrap();
        assert!(z.len() > 5);
    }

    #[test]
    fn a_broken_archive_is_refused() {
        let a = archive();
        assert!(entries(&a[..a.len() - 1]).is_err());
        let empty = || Ok(Deflated::default().framed(b"", b"", 1));
        assert!(replace(&a, "no/such.xml", |_| empty()).is_err());
        let mut corrupt = a.clone();
        let e = entries(&a).unwrap();
        let Data::Copied(d) = &e[0].data else {
            unreachable!()
        };
        let at = d.as_ptr() as usize - a.as_ptr() as usize;
        corrupt[at + d.len() / 2] ^= 0x55;
        let name = String::from_utf8(e[0].name.to_vec()).unwrap();
        assert!(replace(&corrupt, &name, |_| empty()).is_err());
        assert!(replace(&a, &name, |_| empty()).is_ok());
    }
}
