"""A zip archive's members, checked before they are read and unpacked a buffer at a time as they are.

A zip bomb (a small archive that unpacks to gigabytes) is refused from the archive's index, before any byte
is unpacked, when a member declares more than police.uk publishes for a whole national month
(SAFERHUB_MAX_ZIP_MEMBER_BYTES), when the archive declares more than SAFERHUB_MAX_UNZIPPED_BYTES in all, or
when a member is compressed far more than police.uk data can be (SAFERHUB_MAX_ZIP_RATIO: real street files
compress about 5 times, stop-and-search files about 11, a bomb about 1,000). A member that lies about its
size is refused the moment it unpacks one byte past what it declares. Nothing is ever unpacked whole: a
reader asks for a buffer's worth at a time.

A deflated member is inflated with ISA-L (the `isal` package, ADR 0017), which does it in less than half
zlib's time; its size and CRC-32 are checked as zipfile would. Other members go through zipfile.

Every message names the archive and member as the person named them, never where the server keeps them.
"""

import contextlib
import io
import lzma
import os
import struct
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO, cast

from django.conf import settings
from isal import isal_zlib

from saferhub.crimedata.input_errors import InputFileError

# A member that unpacks to less than this cannot hurt, whatever its ratio (a small file of repeated rows
# compresses very well).
RATIO_CHECKED_FROM_BYTES = 1 << 20
# How much compressed data is read from the archive at a time, at least: a third of what is asked for, so
# that one call of ISA-L (police.uk data inflates about 5 times) usually gives it all, with no joining.
_COMPRESSED_CHUNK_BYTES = 1 << 20

_ENCRYPTED = 0x1
_UTF8_NAME = 0x800
# The stub types it as an instance; it is the class ISA-L raises for a broken deflate stream.
_INFLATE_ERROR: type[Exception] = isal_zlib.error  # type: ignore[assignment]
# What reading a damaged member raises: zipfile's checks, ISA-L, a cut-short stream, bzip2 (OSError), lzma.
_DAMAGED = (zipfile.BadZipFile, _INFLATE_ERROR, EOFError, OSError, lzma.LZMAError)
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, ..., file name length, extra field length
_LOCAL_HEADER_SIGNATURE = b"PK\x03\x04"


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.0f} MB"


def zip_members_checked(archive: zipfile.ZipFile, *, name: str) -> list[zipfile.ZipInfo]:
    """The archive's members, once its index shows that none leaves the archive or could be a zip bomb.

    `name` is the archive as the person named it. Raises InputFileError naming the member and the limit.
    """
    total_limit = settings.SAFERHUB_MAX_UNZIPPED_BYTES
    member_limit = settings.SAFERHUB_MAX_ZIP_MEMBER_BYTES
    ratio_limit = settings.SAFERHUB_MAX_ZIP_RATIO
    members = archive.infolist()
    total = 0
    for member in members:
        parts = PurePosixPath(member.filename.replace("\\", "/")).parts
        if member.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise InputFileError(
                f"{name}: refused, the member '{member.filename}' points outside the archive"
            )
        total += member.file_size
        if total > total_limit:
            raise InputFileError(
                f"{name}: refused, it would unpack to more than {total_limit // 1_000_000:,} MB "
                "(SAFERHUB_MAX_UNZIPPED_BYTES)"
            )
        if member.file_size > member_limit:
            raise InputFileError(
                f"{name}: refused, '{member.filename}' would unpack to {_megabytes(member.file_size)}, more "
                f"than police.uk publishes for a whole national month ({_megabytes(member_limit)}, "
                "SAFERHUB_MAX_ZIP_MEMBER_BYTES)"
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= RATIO_CHECKED_FROM_BYTES and ratio > ratio_limit:
            raise InputFileError(
                f"{name}: refused, '{member.filename}' is compressed {ratio:,.0f} times, and police.uk data "
                f"compresses at most about 12 times (the limit is {ratio_limit}, SAFERHUB_MAX_ZIP_RATIO): "
                "it is not police.uk data"
            )
    return members


def zip_member_opener(path: Path, member: zipfile.ZipInfo, *, name: str) -> Callable[[], BinaryIO]:
    """How to open one member as a stream; `name` is the member as the person will recognise it."""

    def open_member() -> BinaryIO:
        with _refused_when_damaged(name):
            # A raw stream: it reads and closes as a binary file does.
            return cast(BinaryIO, _MemberStream(path, member, name=name))

    return open_member


@contextlib.contextmanager
def _refused_when_damaged(name: str) -> Iterator[None]:
    try:
        yield
    except _DAMAGED as error:
        raise InputFileError(f"{name}: the archive is damaged ({error})") from error
    except (NotImplementedError, RuntimeError) as error:  # zipfile: a method or encryption it lacks
        raise InputFileError(f"{name}: cannot be unpacked ({error})") from error


class _MemberStream(io.RawIOBase):
    """A member's bytes as they unpack, as much as a reader asks for at a time.

    It never gives more than one byte past the member's declared size: that byte refuses the member.
    """

    def __init__(self, path: Path, member: zipfile.ZipInfo, *, name: str) -> None:
        super().__init__()
        self._name = name
        self._declared = member.file_size
        self._given = 0
        self._closing = contextlib.ExitStack()
        try:
            if member.compress_type == zipfile.ZIP_DEFLATED and not member.flag_bits & _ENCRYPTED:
                self._inner: _Inflating | IO[bytes] = _Inflating(
                    self._closing.enter_context(path.open("rb")), member
                )
            else:
                archive = self._closing.enter_context(zipfile.ZipFile(path))
                self._inner = self._closing.enter_context(archive.open(member))
        except BaseException:
            self._closing.close()
            raise

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        room = self._declared + 1 - self._given
        with _refused_when_damaged(self._name):
            data = self._inner.read(room if size is None or size < 0 else min(size, room))
        self._given += len(data)
        if self._given > self._declared:
            raise InputFileError(f"{self._name}: refused, it unpacks to more than it declares")
        return data

    def readall(self) -> bytes:
        return self.read()

    def close(self) -> None:
        self._closing.close()
        super().close()


class _Inflating:
    """A deflated member inflated by ISA-L from its local header on, checked by CRC-32 at its end."""

    def __init__(self, handle: BinaryIO, member: zipfile.ZipInfo) -> None:
        handle.seek(member.header_offset)
        header = handle.read(_LOCAL_HEADER.size)
        if len(header) < _LOCAL_HEADER.size:
            raise zipfile.BadZipFile("the member's header is cut short")
        signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
        if signature != _LOCAL_HEADER_SIGNATURE:
            raise zipfile.BadZipFile("the member's header is not where the archive's index says")
        encoding = "utf-8" if member.flag_bits & _UTF8_NAME else "cp437"
        if handle.read(name_length).decode(encoding, errors="replace") != member.orig_filename:
            raise zipfile.BadZipFile("the member's header names another file than the archive's index")
        handle.seek(extra_length, os.SEEK_CUR)
        self._handle = handle
        self._member = member
        self._compressed_left = member.compress_size
        self._inflater = isal_zlib.decompressobj(-15)
        self._inflated = 0
        self._crc = 0

    def read(self, size: int) -> bytes:
        parts: list[bytes] = []
        wanted = size
        while wanted > 0 and not self._inflater.eof:
            compressed = self._inflater.unconsumed_tail
            if not compressed:
                if not self._compressed_left:
                    break
                chunk = max(_COMPRESSED_CHUNK_BYTES, wanted // 3)
                compressed = self._handle.read(min(chunk, self._compressed_left))
                if not compressed:
                    break
                self._compressed_left -= len(compressed)
            part = self._inflater.decompress(compressed, wanted)
            parts.append(part)
            wanted -= len(part)
        data = parts[0] if len(parts) == 1 else b"".join(parts)
        self._inflated += len(data)
        self._crc = isal_zlib.crc32(data, self._crc)
        if not data and size > 0:
            self._check_whole()
        return data

    def _check_whole(self) -> None:
        """At the end: the member must be the size it declares and match its checksum."""
        if self._inflated < self._member.file_size or self._crc != self._member.CRC:
            raise zipfile.BadZipFile("its bytes do not match the archive's checksum")
