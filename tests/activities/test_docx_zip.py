"""The zip writer of the documents writes what zipfile writes, members compressed once included."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

from activities.docx_zip import Member, normalised_zip, zip_members, zip_of

STAMP = datetime(2026, 11, 21, 13, 45, 37, tzinfo=ZoneInfo("Europe/Paris"))
ENTRIES = [
    ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>' * 50),
    ("word/pièce jointe.xml", "Évry — « données »".encode()),
    ("word/vide.xml", b""),
]


def zipfile_zip(entries: list[tuple[str, bytes]]) -> bytes:
    """The zip of `entries` written by zipfile: deflated, dated STAMP, mode 644."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=STAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, content)
    return out.getvalue()


def test_the_zip_has_the_bytes_zipfile_writes() -> None:
    assert zip_of(ENTRIES, STAMP) == zipfile_zip(ENTRIES)


def test_members_compressed_once_can_be_zipped_again_with_another_date() -> None:
    members = [Member.of(name, content) for name, content in ENTRIES]
    zip_members(members, datetime(2020, 1, 1))

    data = zip_members(members, STAMP)

    assert data == zipfile_zip(ENTRIES)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert [(i.filename, archive.read(i)) for i in archive.infolist()] == ENTRIES


def test_a_zip_is_normalised_to_one_date() -> None:
    clock_dated = io.BytesIO()
    with zipfile.ZipFile(clock_dated, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in ENTRIES:
            target.writestr(name, content)

    assert normalised_zip(clock_dated.getvalue(), STAMP) == zipfile_zip(ENTRIES)
