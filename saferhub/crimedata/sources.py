"""Finding the files in what a person hands us: a CSV, a folder, a tree of month folders, or a zip.

A zip's members are checked from its index and unpacked a buffer at a time (see zipmembers): a crafted
archive must not write outside the store, fill the disk or the memory.
"""

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from saferhub.crimedata.input_errors import InputFileError
from saferhub.crimedata.zipmembers import zip_member_opener, zip_members_checked


@dataclass(frozen=True)
class InputFile:
    """One file to read: its name as the person will recognise it, and how to open it as a stream."""

    name: str
    open: Callable[[], BinaryIO]
    size: int

    def read(self) -> bytes:
        """The whole file, for a reader that needs it whole (a workbook); police.uk files are streamed."""
        with self.open() as stream:
            return stream.read()


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
        yield InputFile(name=str(path), open=lambda: path.open("rb"), size=path.stat().st_size)
    elif not inside_folder:
        raise InputFileError(f"{path}: not a {' or '.join(suffixes)} file or a zip archive")


def _zip_members(path: Path, suffixes: tuple[str, ...]) -> Iterator[InputFile]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise InputFileError(f"{path.name}: not a readable zip archive ({error})") from error
    with archive:
        members = zip_members_checked(archive, name=path.name)
    for member in sorted(members, key=lambda m: m.filename):
        if member.is_dir() or not member.filename.lower().endswith(suffixes):
            continue
        name = f"{path.name}:{member.filename}"
        yield InputFile(name=name, open=zip_member_opener(path, member, name=name), size=member.file_size)
