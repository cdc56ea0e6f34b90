"""The zip of a .docx, written deterministically: every member deflated and dated with one date,
never the clock. A member compressed once (a part no tag touches) is reused as it is.

The layout is the one `zipfile` writes for these members (APPNOTE: local headers, central
directory, end record; no zip64, no data descriptor), so a document has the same bytes as when
it was zipped with `zipfile`.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
_END_RECORD = struct.Struct("<4s4H2LH")
_VERSION = 20  # deflate, as zipfile writes it
_UNIX = 3  # the "made by" system: file modes below are Unix modes
_DEFLATED = 8
_UTF8_NAME = 0x800
_MODE = 0o644 << 16  # rw-r--r--
_LIMIT = (1 << 32) - 1  # beyond it zip64 would be needed: no document comes near


@dataclass(frozen=True, slots=True)
class Member:
    """One member of the zip, already compressed."""

    name: str
    crc: int
    size: int
    deflated: bytes

    @classmethod
    def of(cls, name: str, data: bytes) -> Member:
        """`data` deflated as zipfile deflates it (default level, raw stream)."""
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        deflated = compressor.compress(data) + compressor.flush()
        return cls(name, zlib.crc32(data), len(data), deflated)


def _dos_date_time(stamp: datetime) -> tuple[int, int]:
    year, month, day, hour, minute, second = stamp.timetuple()[:6]
    return (
        (year - 1980) << 9 | month << 5 | day,
        hour << 11 | minute << 5 | second // 2,
    )


def _encoded_name(name: str) -> tuple[bytes, int]:
    try:
        return name.encode("ascii"), 0
    except UnicodeEncodeError:
        return name.encode("utf-8"), _UTF8_NAME


def zip_members(members: Iterable[Member], stamp: datetime) -> bytes:
    """The zip of `members`, in their order, each dated `stamp` (its wall-clock time)."""
    dos_date, dos_time = _dos_date_time(stamp)
    out = io.BytesIO()
    central = io.BytesIO()
    count = 0
    for member in members:
        if max(member.size, len(member.deflated), out.tell()) > _LIMIT:
            raise ValueError(f"membre trop volumineux pour un document : {member.name}")
        name, flags = _encoded_name(member.name)
        offset = out.tell()
        # From the flags to the length of the extra field: the same in both headers.
        common = (
            flags, _DEFLATED, dos_time, dos_date,
            member.crc, len(member.deflated), member.size, len(name), 0,
        )  # fmt: skip
        out.write(_LOCAL_HEADER.pack(b"PK\x03\x04", _VERSION, 0, *common))
        out.write(name)
        out.write(member.deflated)
        # Then: comment length, disk number, internal and external attributes, offset.
        header = (b"PK\x01\x02", _VERSION, _UNIX, _VERSION, 0, *common, 0, 0, 0, _MODE, offset)
        central.write(_CENTRAL_HEADER.pack(*header))
        central.write(name)
        count += 1
    start = out.tell()
    out.write(central.getvalue())
    out.write(_END_RECORD.pack(b"PK\x05\x06", 0, 0, count, count, central.tell(), start, 0))
    return out.getvalue()


def zip_of(entries: Iterable[tuple[str, bytes]], stamp: datetime) -> bytes:
    """The zip of (name, content) `entries`, in their order, each dated `stamp`."""
    return zip_members((Member.of(name, content) for name, content in entries), stamp)


def normalised_zip(data: bytes, stamp: datetime) -> bytes:
    """The zip `data` (as python-docx saves it, each member dated by the clock) rewritten with
    every member dated `stamp`."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(entry.filename, source.read(entry)) for entry in source.infolist()]
    return zip_of(entries, stamp)
