"""Same .docx, same PDF bytes: the times and identifiers LibreOffice stamps are set
from the document itself.

LibreOffice writes the conversion time into the PDF (Info dictionary, XMP
metadata, and for PDF/A the header of the embedded colour profile) and a random
file identifier. Here the times become the .docx's own creation time (its core
properties, which vanban sets from the version: the data cut-off for a draft,
the issue date for an issued copy) and the identifier a hash of the .docx bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from uuid import UUID

_CORE = "docProps/core.xml"
_CREATED = re.compile(rb"<dcterms:created[^>]*>([^<]+)</dcterms:created>")
_XMP_DATES = re.compile(
    rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)[^<]*(</xmp:(?:CreateDate|ModifyDate|MetadataDate)>)"
)
_XMP_ATTRIBUTE_DATES = re.compile(rb'(xmp:(?:CreateDate|ModifyDate|MetadataDate)=")[^"]*(")')
_XMP_IDS = re.compile(rb"(<xmpMM:(?:DocumentID|InstanceID)>)[^<]*(</xmpMM:\w+>)")


def document_time(document: Path) -> datetime | None:
    """The creation time in the .docx's core properties (UTC), if it has one."""
    try:
        with zipfile.ZipFile(document) as archive:
            core = archive.read(_CORE)
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    found = _CREATED.search(core)
    if not found:
        return None
    try:
        stamp = datetime.fromisoformat(found.group(1).decode().strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp.astimezone(UTC) if stamp.tzinfo else stamp.replace(tzinfo=UTC)


_INFO_DATE = re.compile(rb"/(?:CreationDate|ModDate)\(D:(\d{14})(Z'?|[+-]\d\d'\d\d'?)?\)")
_FILE_ID = re.compile(rb"/ID \[ ?<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})> ?\]")
_CHECKSUM = re.compile(rb"/DocChecksum /([0-9A-Fa-f]{32})")


def reproducible(pdf: bytes, document: Path) -> bytes:
    """``pdf`` (made from ``document``) with its times and identifier fixed by the document."""
    seed = hashlib.md5(document.read_bytes()).digest()
    stamp = document_time(document) or datetime(2000, 1, 1, tzinfo=UTC)
    if b"/OutputIntents" in pdf or b"<x:xmpmeta" in pdf:
        return _rewritten(pdf, stamp, seed)  # PDF/A: times inside compressed streams too
    return _patched(pdf, stamp, seed)


def _patched(pdf: bytes, stamp: datetime, seed: bytes) -> bytes:
    """Plain PDF: the times and identifiers replaced in place, each by one of the same
    length, so every object keeps its offset (fast: no parsing)."""

    def date(match: re.Match[bytes]) -> bytes:
        zone = match.group(2) or b""
        offset = timedelta(0)
        if zone[:1] in (b"+", b"-"):
            hours, minutes = int(zone[1:3]), int(zone[4:6])
            offset = timedelta(hours=hours, minutes=minutes) * (1 if zone[:1] == b"+" else -1)
        local = stamp.astimezone(timezone(offset)).strftime("%Y%m%d%H%M%S").encode()
        return match.group(0).replace(match.group(1), local, 1)

    hexed = seed.hex().upper().encode()
    fixed = _INFO_DATE.sub(date, pdf)
    fixed = _FILE_ID.sub(
        lambda m: m.group(0).replace(m.group(1), hexed).replace(m.group(2), hexed), fixed
    )
    blank = _CHECKSUM.sub(b"/DocChecksum /" + b"0" * 32, fixed)
    checksum = hashlib.md5(blank).hexdigest().upper().encode()
    fixed = _CHECKSUM.sub(b"/DocChecksum /" + checksum, fixed)
    return fixed


def _rewritten(pdf: bytes, stamp: datetime, seed: bytes) -> bytes:
    """PDF/A: rewritten by pypdf (the colour profile's date lives in a compressed stream)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject, TextStringObject

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # PDF/A-2 needs its 1.7 header kept
    info = writer._info.get_object() if writer._info is not None else None
    if info is not None:
        pdf_date = TextStringObject(stamp.strftime("D:%Y%m%d%H%M%S+00'00'"))
        for key in ("/CreationDate", "/ModDate"):
            if key in info:
                info[NameObject(key)] = pdf_date
    root = writer._root_object
    if "/Metadata" in root:
        _fix_xmp(root["/Metadata"].get_object(), stamp, seed)
    for intent in root.get("/OutputIntents", []):
        profile = intent.get_object().get("/DestOutputProfile")
        if profile is not None:
            _fix_icc(profile.get_object(), stamp)
    identifier = ByteStringObject(seed)
    writer._ID = ArrayObject([identifier, identifier])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _fix_xmp(stream, stamp: datetime, seed: bytes) -> None:
    data = stream.get_data()
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    fixed = _XMP_DATES.sub(lambda m: m.group(1) + iso + m.group(2), data)
    fixed = _XMP_ATTRIBUTE_DATES.sub(lambda m: m.group(1) + iso + m.group(2), fixed)
    uuid = f"uuid:{UUID(bytes=seed)}"
    fixed = _XMP_IDS.sub(lambda m: m.group(1) + uuid.encode() + m.group(2), fixed)
    if fixed != data:
        stream.set_data(fixed)


def _fix_icc(stream, stamp: datetime) -> None:
    """The ICC profile's header date (bytes 24–35) and, when present, its MD5 profile ID."""
    data = bytearray(stream.get_data())
    if len(data) < 128:
        return
    data[24:36] = struct.pack(
        ">6H", stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second
    )
    if any(data[84:100]):  # ICC.1: MD5 over the profile with flags, intent and ID zeroed
        probe = bytearray(data)
        probe[44:48] = probe[64:68] = b"\0\0\0\0"
        probe[84:100] = bytes(16)
        data[84:100] = hashlib.md5(bytes(probe)).digest()
    stream.set_data(bytes(data))
