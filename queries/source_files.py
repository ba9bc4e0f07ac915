"""Read an input file (a CSV in UTF-8/CP949 as text, or a typed Parquet file) with row numbers."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

ROW = "__row"
PARQUET_MAGIC = b"PAR1"
SNIFF_BYTES = 1 << 16
HEADER_SEARCH_LINES = 20
ENCODING_CHECK_BLOCK = 1 << 22
KNOWN_ENCODINGS = ("utf-8", "utf-8-sig", "cp949", "euc-kr")

ProgressCallback = Callable[[int], None]


class SourceFileError(Exception):
    """The file cannot be read as a table at all; the message says why in one line."""


@dataclass
class SourceTable:
    """A file's rows (text from a CSV, typed from Parquet), numbered from 1 under the header."""

    frame: pl.DataFrame
    encoding: str
    rejects: list[dict[str, object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    header_line: int = 1


def _first_bad_byte(path: Path, encoding: str) -> tuple[int, int] | None:
    """Offset and value of the first byte that does not decode, or None if the file decodes."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with path.open("rb") as handle:
        while block := handle.read(ENCODING_CHECK_BLOCK):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return offset + exc.start, block[exc.start]
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset, -1
    return None


def detect_encoding(path: Path, named: str | None = None) -> str:
    """Return the file's text encoding (named, UTF-8 with or without BOM, or CP949)."""
    if named:
        try:
            codecs.lookup(named)
        except LookupError as exc:
            raise SourceFileError(f"unknown encoding {named!r}") from exc
        bad = _first_bad_byte(path, named)
        if bad:
            raise SourceFileError(
                f"not valid {named}: byte 0x{bad[1] & 0xFF:02x} at offset {bad[0]}"
            )
        return named
    with path.open("rb") as handle:
        head = handle.read(3)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    utf8_bad = _first_bad_byte(path, "utf-8")
    if utf8_bad is None:
        return "utf-8"
    if _first_bad_byte(path, "cp949") is None:
        return "cp949"
    offset, value = utf8_bad
    raise SourceFileError(
        f"it is neither Parquet nor text in UTF-8 or CP949 (byte 0x{value & 0xFF:02x} "
        f"at offset {offset}); if it is text, name its encoding with --encoding"
    )


def _head_lines(path: Path, encoding: str) -> list[str]:
    with path.open("r", encoding=encoding, newline="") as handle:
        text = handle.read(SNIFF_BYTES)
    return text.splitlines()[:HEADER_SEARCH_LINES]


def find_header(lines: list[str], expected: Iterable[str]) -> tuple[int, list[str]]:
    """Index of the first line whose CSV fields include an expected column, and its fields."""
    wanted = {name.strip().lower() for name in expected}
    for index, line in enumerate(lines):
        fields = next(csv.reader([line]), [])
        if len(fields) >= 2 and wanted & {f.strip().lower() for f in fields}:
            return index, [f.strip() for f in fields]
    first = next(csv.reader(lines[:1]), []) if lines else []
    found = f"the first line has {', '.join(f.strip() for f in first[:8])}; " if first else ""
    raise SourceFileError(
        f"no header row with the expected columns in the first {HEADER_SEARCH_LINES} lines "
        f"({found}looked for any of: {', '.join(sorted(wanted)[:6])}, ...)"
    )


class _CountingReader(io.RawIOBase):
    """A binary file wrapper that reports bytes read, for a progress bar."""

    def __init__(self, handle: io.BufferedReader, progress: ProgressCallback | None) -> None:
        self._handle = handle
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001
        count = self._handle.readinto(buffer)
        if self._progress and count:
            self._progress(count)
        return count


def _read_with_pyarrow(
    path: Path, encoding: str, skip_lines: int, header: list[str], progress: ProgressCallback | None
) -> tuple[pa.Table, list[str]]:
    """Fast multi-threaded parse; returns the table and the text of rows with a wrong width."""
    invalid: list[str] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append(row.text)
        return "skip"

    read_options = pacsv.ReadOptions(
        encoding="utf8" if encoding in ("utf-8", "utf-8-sig") else encoding,
        skip_rows=skip_lines + 1,
        column_names=header,
        block_size=1 << 24,
    )
    convert_options = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in header},
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    parse_options = pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_invalid)
    with path.open("rb") as handle:
        source = io.BufferedReader(_CountingReader(handle, progress), buffer_size=1 << 20)
        table = pacsv.read_csv(
            source,
            read_options=read_options,
            parse_options=parse_options,
            convert_options=convert_options,
        )
    return table, invalid


def _read_with_csv_module(
    path: Path, encoding: str, skip_lines: int, header: list[str]
) -> tuple[pl.DataFrame, list[dict[str, object]], list[str]]:
    """Exact parse for files with ragged rows: every row keeps its number and gets a verdict."""
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    rejects: list[dict[str, object]] = []
    short_rows = 0
    width = len(header)
    with path.open("r", encoding=encoding, newline="") as handle:
        for _ in range(skip_lines + 1):
            handle.readline()
        for number, fields in enumerate(csv.reader(handle), start=1):
            if not fields:
                continue
            if len(fields) > width:
                rejects.append(
                    {
                        ROW: number,
                        "field": None,
                        "value": ",".join(fields)[:200],
                        "reason": f"row has {len(fields)} fields but the header has {width}",
                    }
                )
                continue
            if len(fields) < width:
                short_rows += 1
                fields = fields + [""] * (width - len(fields))
            rows.append([value if value != "" else None for value in fields])
            numbers.append(number)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    frame = pl.DataFrame(
        {
            name: pl.Series(name, values, dtype=pl.String)
            for name, values in zip(header, columns, strict=True)
        }
    ).with_columns(pl.Series(ROW, numbers, dtype=pl.Int64))
    notes = []
    if short_rows:
        notes.append(
            f"{short_rows} row(s) ended early; their missing trailing fields were read as empty"
        )
    return frame, rejects, notes


class _ProgressOnce:
    """Reports each byte of a file once, though a second attempt reads it again."""

    def __init__(self, report: ProgressCallback | None) -> None:
        self._report = report
        self._reported = 0
        self._this_pass = 0

    def new_pass(self) -> None:
        """Start counting a fresh read of the file from its first byte."""
        self._this_pass = 0

    def __call__(self, count: int) -> None:
        self._this_pass += count
        if self._report and self._this_pass > self._reported:
            self._report(self._this_pass - self._reported)
            self._reported = self._this_pass


def _read_csv_as(
    path: Path,
    expected_columns: Iterable[str],
    text_encoding: str,
    progress: ProgressCallback | None,
) -> SourceTable:
    header_index, header = find_header(_head_lines(path, text_encoding), expected_columns)
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0].lstrip("\ufeff")
    notes: list[str] = []
    if header_index:
        notes.append(
            f"skipped {header_index} line(s) above the header that are not part of the table"
        )
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise SourceFileError(f"the header repeats column(s) {', '.join(duplicated)}")
    table, invalid = _read_with_pyarrow(path, text_encoding, header_index, header, progress)
    if not invalid:
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        frame = frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
        return SourceTable(frame, text_encoding, [], notes, header_index + 1)
    frame, rejects, exact_notes = _read_with_csv_module(path, text_encoding, header_index, header)
    return SourceTable(frame, text_encoding, rejects, notes + exact_notes, header_index + 1)


def _is_invalid_utf8(exc: Exception) -> bool:
    return isinstance(exc, UnicodeDecodeError) or "invalid UTF8" in str(exc)


def read_csv_file(
    path: Path,
    expected_columns: Iterable[str],
    *,
    encoding: str | None = None,
    progress: ProgressCallback | None = None,
) -> SourceTable:
    """Read a CSV file whose header holds some expected columns; lines above it are skipped."""
    once = _ProgressOnce(progress)
    expected = list(expected_columns)
    if encoding is None:
        with path.open("rb") as handle:
            bom = handle.read(3).startswith(codecs.BOM_UTF8)
        # Most files are UTF-8: the parser checks every byte as it reads, so the file is read
        # once; only a file that is not UTF-8 after all is scanned to tell what it is.
        try:
            return _read_csv_as(path, expected, "utf-8-sig" if bom else "utf-8", once)
        except (UnicodeDecodeError, pa.ArrowInvalid) as exc:
            if not _is_invalid_utf8(exc):
                raise
        once.new_pass()
    return _read_csv_as(path, expected, detect_encoding(path, encoding), once)


def read_parquet_file(path: Path, progress: ProgressCallback | None = None) -> SourceTable:
    """Read a Parquet file with its own column types; validation decides what to keep typed."""
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError):
        # pyarrow reads a few encodings polars does not, and words its errors more plainly.
        try:
            table = pq.read_table(path)
        except (pa.ArrowInvalid, OSError) as exc:
            raise SourceFileError(f"not a readable Parquet file: {exc}") from exc
        read = pl.from_arrow(table)
        assert isinstance(read, pl.DataFrame)
        frame = read
    if progress:
        progress(path.stat().st_size)
    frame = frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    return SourceTable(frame, "parquet", [], [], 0)


def text_column(name: str, dtype: pl.DataType) -> pl.Expr:
    """A column as the text a CSV would hold: dates as YYYY-MM-DD, anything else cast."""
    if dtype in (pl.Date, pl.Datetime):
        return pl.col(name).dt.strftime("%Y-%m-%d")
    return pl.col(name).cast(pl.String)


def as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column but the row number as text, as if the frame had been read from a CSV."""
    return frame.with_columns(
        [
            text_column(name, dtype)
            for name, dtype in frame.schema.items()
            if name != ROW and dtype != pl.String
        ]
    )


# Files people pick by mistake, recognised by their first bytes, with what to do instead.
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive or an Excel/Word file (.xlsx, .docx); save the sheet as CSV"),
    (b"\xd0\xcf\x11\xe0", "an old Excel/Word file (.xls, .doc); save the sheet as CSV"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive; unpack it first"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"7z\xbc\xaf", "a 7-Zip archive; unpack it first"),
    (b"SQLite format 3", "a SQLite database"),
)


def describe_binary(head: bytes) -> str | None:
    """What a non-text, non-Parquet file looks like from its first bytes, or None for text."""
    for magic, description in BINARY_SIGNATURES:
        if head.startswith(magic):
            return description
    if b"\x00" in head:
        # No CSV in UTF-8 or CP949 holds NUL bytes (UTF-16 text does: save it as UTF-8).
        return "a binary file (it holds NUL bytes; UTF-16 text must be saved as UTF-8)"
    return None


def is_parquet(path: Path) -> bool:
    """True when the file starts with Parquet's magic bytes."""
    with path.open("rb") as handle:
        return handle.read(4) == PARQUET_MAGIC


def read_source(
    path: Path,
    expected_columns: Iterable[str],
    *,
    encoding: str | None = None,
    progress: ProgressCallback | None = None,
) -> SourceTable:
    """Read a CSV file into string columns, or a Parquet file as typed, numbered by row."""
    if not path.is_file():
        raise SourceFileError(f"no such file: {path}")
    if path.stat().st_size == 0:
        raise SourceFileError("the file is empty")
    if is_parquet(path):
        return read_parquet_file(path, progress)
    with path.open("rb") as handle:
        binary = describe_binary(handle.read(SNIFF_BYTES))
    if binary:
        raise SourceFileError(f"not a CSV or Parquet file: it looks like {binary}")
    return read_csv_file(path, expected_columns, encoding=encoding, progress=progress)
