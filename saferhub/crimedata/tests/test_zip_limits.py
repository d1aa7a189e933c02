"""Zip bombs: refused from the archive's index, or as they unpack, a buffer at a time, with nothing stored.

The bombs are made by hand (a deflate stream of zeros, one flushed block repeated), so that a zip of a few
megabytes that unpacks to gigabytes takes milliseconds to make. Memory is measured with tracemalloc only as
a bound: what a bomb makes the reader hold is a buffer, not what the bomb unpacks to.
"""

import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from saferhub.crimedata import csvfiles, schema
from saferhub.crimedata.importing import ImportRefused
from saferhub.crimedata.input_errors import InputFileError
from saferhub.crimedata.models import ImportRun, ImportStatus, Partition
from saferhub.crimedata.policeuk import LsoaIndex, policeuk_file_read
from saferhub.crimedata.services import crime_import
from saferhub.crimedata.sources import input_files
from saferhub.crimedata.zipmembers import zip_member_opener, zip_members_checked

MIB = 1 << 20
MEMBER = "2023-01/2023-01-leicestershire-street.csv"
HEADER = (",".join(schema.POLICEUK_STREET_HEADER) + "\n").encode()
ROW = (
    b",2023-01,Leicestershire Police,Leicestershire Police,-1.13,52.63,On or near X,,,"
    b"Anti-social behaviour,,\n"
)
LSOAS = LsoaIndex.of({})


def _zeros_deflated(mebibytes: int) -> bytes:
    """A raw deflate stream of `mebibytes` MiB of zeros, about a thousand times smaller."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressor.compress(b"\0" * MIB)
    compressor.flush(zlib.Z_FULL_FLUSH)
    # After a full flush the compressor starts afresh: each further MiB of zeros is the same block.
    block = compressor.compress(b"\0" * MIB) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * mebibytes + compressor.flush()


def _zip_by_hand(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip of deflated members, each (name, its deflate stream, the size it declares, its CRC-32)."""
    local, central = b"", b""
    for name, deflated, declared, crc in members:
        encoded = name.encode()
        checks = struct.pack("<III", crc, len(deflated), declared)
        central += (
            struct.pack("<4sHHHHHH", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21)
            + checks
            + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, len(local))
            + encoded
        )
        local += (
            struct.pack("<4sHHHHH", b"PK\x03\x04", 20, 0, 8, 0, 0x21)
            + checks
            + struct.pack("<HH", len(encoded), 0)
            + encoded
            + deflated
        )
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(local), 0
    )
    path.write_bytes(local + central + end)
    return path


def _bomb(tmp_path: Path, *, unpacks_to_mib: int, declares: int | None = None) -> Path:
    """A zip whose one member unpacks to `unpacks_to_mib` MiB of zeros and declares `declares` bytes."""
    size = unpacks_to_mib * MIB
    return _zip_by_hand(
        tmp_path / "bomb.zip", [(MEMBER, _zeros_deflated(unpacks_to_mib), declares or size, 0)]
    )


def _refusal(call: Callable[[], object]) -> tuple[str, int]:
    """The message `call` is refused with, and the most memory Python held while it ran."""
    tracemalloc.start()
    try:
        with pytest.raises(InputFileError) as refused:
            call()
        return str(refused.value), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _checked(path: Path) -> list[zipfile.ZipInfo]:
    with zipfile.ZipFile(path) as archive:
        return zip_members_checked(archive, name=path.name)


def _read_member(path: Path) -> object:
    (member,) = _checked(path)
    opener = zip_member_opener(path, member, name=f"{path.name}:{member.filename}")
    return policeuk_file_read(opener, name=f"{path.name}:{member.filename}", lsoas=LSOAS)


def test_a_4_mb_zip_that_unpacks_to_4_gb_is_refused_from_its_index(tmp_path):
    path = _bomb(tmp_path, unpacks_to_mib=4000)
    assert path.stat().st_size < 5 * MIB
    message, peak = _refusal(lambda: _checked(path))
    assert message == "bomb.zip: refused, it would unpack to more than 536 MB (SAFERHUB_MAX_UNZIPPED_BYTES)"
    assert peak < MIB  # nothing was unpacked


def test_a_member_larger_than_a_national_month_is_refused_naming_the_member(tmp_path):
    path = _bomb(tmp_path, unpacks_to_mib=300)
    message, _ = _refusal(lambda: _checked(path))
    assert message == (
        f"bomb.zip: refused, '{MEMBER}' would unpack to 315 MB, more than police.uk publishes for a whole "
        "national month (268 MB, SAFERHUB_MAX_ZIP_MEMBER_BYTES)"
    )


def test_a_member_compressed_far_more_than_police_uk_data_is_refused(tmp_path):
    path = tmp_path / "rows.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MEMBER, HEADER + ROW * 20_000)  # 2 MB of one row: no real file repeats itself so
    message, _ = _refusal(lambda: _checked(path))
    assert message.startswith(f"rows.zip: refused, '{MEMBER}' is compressed ")
    assert message.endswith(
        "times, and police.uk data compresses at most about 12 times (the limit is 50, "
        "SAFERHUB_MAX_ZIP_RATIO): it is not police.uk data"
    )


def test_a_small_member_is_not_judged_by_its_ratio(tmp_path):
    path = tmp_path / "small.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MEMBER, HEADER + ROW * 1_000)  # 100 KB, compressed hundreds of times
    (member,) = _checked(path)
    assert member.file_size / member.compress_size > 50


def test_a_member_that_lies_about_its_size_is_refused_one_byte_past_it(tmp_path):
    path = _bomb(tmp_path, unpacks_to_mib=1000, declares=100_000)
    message, peak = _refusal(lambda: _read_member(path))
    assert message == f"bomb.zip:{MEMBER}: refused, it unpacks to more than it declares"
    assert peak < 4 * MIB  # a compressed chunk or two, while the member unpacks to a thousand times that


def _limits_raised(settings) -> None:
    settings.SAFERHUB_MAX_UNZIPPED_BYTES = settings.SAFERHUB_MAX_ZIP_MEMBER_BYTES = 4000 * MIB
    settings.SAFERHUB_MAX_ZIP_RATIO = 10_000


def test_a_member_that_unpacks_to_gigabytes_is_read_a_buffer_at_a_time(tmp_path, settings):
    # Within every limit (when they are raised), it is still never unpacked whole.
    _limits_raised(settings)
    path = _bomb(tmp_path, unpacks_to_mib=2000)
    message, peak = _refusal(lambda: _read_member(path))
    assert message.startswith(f"bomb.zip:{MEMBER}: the header row cannot be read as CSV")
    assert peak < 3 * csvfiles.READ_BUFFER_BYTES


def test_a_large_member_streams_and_is_checked_at_its_end(tmp_path, settings):
    _limits_raised(settings)
    size = 64 * MIB
    crc = 0
    for _ in range(64):
        crc = zlib.crc32(b"\0" * MIB, crc)
    path = _zip_by_hand(tmp_path / "large.zip", [(MEMBER, _zeros_deflated(64), size, crc)])
    (member,) = _checked(path)
    tracemalloc.start()
    try:
        with zip_member_opener(path, member, name="large.zip:" + MEMBER)() as stream:
            read = 0
            while part := stream.read(MIB):
                read += len(part)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert read == size
    assert peak < 4 * MIB
    damaged = _zip_by_hand(tmp_path / "damaged.zip", [(MEMBER, _zeros_deflated(64), size, crc ^ 1)])
    (member,) = _checked(damaged)
    with (
        zip_member_opener(damaged, member, name="damaged.zip:" + MEMBER)() as stream,
        pytest.raises(InputFileError, match=r"the archive is damaged \(its bytes do not match"),
    ):
        while stream.read(MIB):
            pass


def test_a_zip_inside_a_zip_is_not_opened(tmp_path):
    inner = _bomb(tmp_path, unpacks_to_mib=4000)
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as archive:
        archive.write(inner, "2023-01/inner.zip")
    assert list(input_files([outer])) == []


@pytest.mark.parametrize(
    "make",
    [
        lambda folder: _bomb(folder, unpacks_to_mib=4000),
        lambda folder: _bomb(folder, unpacks_to_mib=1000, declares=100_000),
    ],
    ids=["declares 4 GB", "lies about its size"],
)
def test_a_refused_zip_stores_nothing_and_names_only_the_file_as_uploaded(db, crime_store, tmp_path, make):
    folder = tmp_path / "uploads" / "run"
    folder.mkdir(parents=True)
    good = folder / "good.zip"
    with zipfile.ZipFile(good, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MEMBER.replace("2023-01", "2023-02"), HEADER + ROW)
    bomb = make(folder)
    with pytest.raises(ImportRefused) as refused:
        crime_import(paths=[good, bomb])
    assert str(refused.value).startswith("bomb.zip")
    assert str(tmp_path) not in str(refused.value)
    assert not Partition.objects.exists()
    assert not list(crime_store.rglob("*.parquet"))
    assert ImportRun.objects.get().status == ImportStatus.REFUSED
