"""Finding the files in what a person hands us: a CSV, a folder, a tree of month folders, or a zip.

A zip is refused whole when a member's path would leave the archive or when it would unpack to more
than the configured limit: a crafted archive must not write outside the store or fill the disk.

A deflated member is inflated with ISA-L (the `isal` package), which does it in less than half zlib's time:
unzipping was a quarter of a national import's CPU time. Its size and CRC-32 are checked as zipfile would.
"""

import lzma
import os
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from isal import isal_zlib


class InputFileError(Exception):
    """A file cannot be imported at all. The message names the file and says why."""


@dataclass(frozen=True)
class InputFile:
    """One file to read: its name as the person will recognise it, and how to get its bytes."""

    name: str
    read: Callable[[], bytes]
    size: int


def input_files(paths: list[Path], *, suffixes: tuple[str, ...] = (".csv",)) -> Iterator[InputFile]:
    for path in paths:
        if not path.exists():
            raise InputFileError(f"{path}: no such file or folder")
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                yield from _from_file(child, suffixes, inside_folder=True)
        else:
            yield from _from_file(path, suffixes, inside_folder=False)


def _from_file(path: Path, suffixes: tuple[str, ...], *, inside_folder: bool) -> Iterator[InputFile]:
    lower = path.name.lower()
    if lower.endswith(".zip"):
        yield from _zip_members(path, suffixes)
    elif lower.endswith(suffixes):
        yield InputFile(name=str(path), read=path.read_bytes, size=path.stat().st_size)
    elif not inside_folder:
        raise InputFileError(f"{path}: not a {' or '.join(suffixes)} file or a zip archive")


def _zip_members(path: Path, suffixes: tuple[str, ...]) -> Iterator[InputFile]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise InputFileError(f"{path}: not a readable zip archive ({error})") from error
    members = archive.infolist()
    limit = settings.SAFERHUB_MAX_UNZIPPED_BYTES
    total = 0
    for member in members:
        parts = PurePosixPath(member.filename.replace("\\", "/")).parts
        if member.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise InputFileError(
                f"{path}: refused, the member '{member.filename}' points outside the archive"
            )
        total += member.file_size
        if total > limit:
            raise InputFileError(
                f"{path}: refused, it would unpack to more than {limit // 1_000_000:,} MB "
                "(SAFERHUB_MAX_UNZIPPED_BYTES)"
            )
    for member in sorted(members, key=lambda m: m.filename):
        if member.is_dir() or not member.filename.lower().endswith(suffixes):
            continue
        yield InputFile(
            name=f"{path.name}:{member.filename}",
            read=_member_reader(path, member),
            size=member.file_size,
        )


_ENCRYPTED = 0x1
_UTF8_NAME = 0x800
# The stub types it as an instance; it is the class ISA-L raises for a broken deflate stream.
_INFLATE_ERROR: type[Exception] = isal_zlib.error  # type: ignore[assignment]
# What reading a damaged member raises: zipfile's checks, ISA-L, a cut-short stream, bzip2 (OSError), lzma.
_DAMAGED = (zipfile.BadZipFile, _INFLATE_ERROR, EOFError, OSError, lzma.LZMAError)
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, ..., file name length, extra field length
_LOCAL_HEADER_SIGNATURE = b"PK\x03\x04"


def _member_reader(path: Path, member: zipfile.ZipInfo) -> Callable[[], bytes]:
    def read() -> bytes:
        name = f"{path.name}:{member.filename}"
        try:
            if member.compress_type == zipfile.ZIP_DEFLATED and not member.flag_bits & _ENCRYPTED:
                data = _inflated(path, member)
            else:
                with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
                    # One byte past the declared size: a member that lies about its size is refused.
                    data = stream.read(member.file_size + 1)
        except _DAMAGED as error:
            raise InputFileError(f"{name}: the archive is damaged ({error})") from error
        except (NotImplementedError, RuntimeError) as error:  # zipfile: a method or encryption it lacks
            raise InputFileError(f"{name}: cannot be unpacked ({error})") from error
        if len(data) > member.file_size:
            raise InputFileError(f"{name}: refused, it unpacks to more than it declares")
        return data

    return read


def _inflated(path: Path, member: zipfile.ZipInfo) -> bytes:
    """A deflated member's bytes, inflated at most one byte past its declared size and checked by CRC-32."""
    with open(path, "rb") as handle:
        handle.seek(member.header_offset)
        header = handle.read(_LOCAL_HEADER.size)
        if len(header) < _LOCAL_HEADER.size:
            raise zipfile.BadZipFile("the member's header is cut short")
        signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
        if signature != _LOCAL_HEADER_SIGNATURE:
            raise zipfile.BadZipFile("the member's header is not where the archive's index says")
        encoding = "utf-8" if member.flag_bits & _UTF8_NAME else "cp437"
        name = handle.read(name_length).decode(encoding, errors="replace")
        if name != member.orig_filename:
            raise zipfile.BadZipFile("the member's header names another file than the archive's index")
        handle.seek(extra_length, os.SEEK_CUR)
        compressed = handle.read(member.compress_size)
    data = isal_zlib.decompressobj(-15).decompress(compressed, member.file_size + 1)
    if len(data) > member.file_size:
        return data  # the caller refuses it for what it is
    if len(data) < member.file_size or isal_zlib.crc32(data) != member.CRC:
        raise zipfile.BadZipFile("its bytes do not match the archive's checksum")
    return data
