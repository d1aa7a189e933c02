"""Finding the files in what a person hands us: a CSV, a folder, a tree of month folders, or a zip.

A zip is refused whole when a member's path would leave the archive or when it would unpack to more
than the configured limit: a crafted archive must not write outside the store or fill the disk.
"""

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings


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
            read=_member_reader(path, member.filename, member.file_size),
            size=member.file_size,
        )


def _member_reader(path: Path, member: str, declared_size: int) -> Callable[[], bytes]:
    def read() -> bytes:
        with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
            # Read one byte past the declared size: a member that lies about its size is refused.
            data = stream.read(declared_size + 1)
        if len(data) > declared_size:
            raise InputFileError(f"{path.name}:{member}: refused, it unpacks to more than it declares")
        return data

    return read
