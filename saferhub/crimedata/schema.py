"""The shape of crime data: police.uk's files as published, and the one table every source becomes."""

import pyarrow as pa

POLICEUK_STREET_HEADER = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
# An outcomes file has the street file's first nine columns, then the outcome.
POLICEUK_OUTCOMES_HEADER = (*POLICEUK_STREET_HEADER[:9], "Outcome type")
# Stop-and-search files have no force column; their published header starts like this.
POLICEUK_STOP_SEARCH_HEADER_START = ("Type", "Date", "Part of a policing operation")

# The 14 police.uk crime types since May 2013, and the labels used before then (methods doc, 5.4).
POLICEUK_CRIME_TYPES = frozenset(
    {
        "Anti-social behaviour",
        "Bicycle theft",
        "Burglary",
        "Criminal damage and arson",
        "Drugs",
        "Other crime",
        "Other theft",
        "Possession of weapons",
        "Public order",
        "Robbery",
        "Shoplifting",
        "Theft from the person",
        "Vehicle crime",
        "Violence and sexual offences",
    }
)
POLICEUK_LEGACY_CRIME_TYPES = frozenset({"Violent crime", "Public disorder and weapons"})
ANTI_SOCIAL_BEHAVIOUR = "Anti-social behaviour"

# Sources: where rows came from. A local extract's source is the slug its column mapping names.
SOURCE_POLICEUK_STREET = "police.uk-street"
SOURCE_POLICEUK_OUTCOMES = "police.uk-outcomes"
SOURCE_POLICEUK_STOP_SEARCH = "police.uk-stop-and-search"

# Rough bounds of the United Kingdom: a coordinate outside them is a broken row, not a place.
LONGITUDE_RANGE = (-8.8, 2.0)
LATITUDE_RANGE = (49.8, 61.0)

FLAGS = ("domestic", "alcohol", "hate", "rural")

# police.uk's Crime ID: 64 hexadecimal digits, stored as the 32 bytes they spell (half the size, and nothing
# left to compress). A file whose IDs are not all 64 lowercase hex digits keeps them, as written, in the
# reference column instead.
CRIME_ID = pa.binary(32)

# Every source becomes rows of this table, stored as one Parquet file per (source, force, month).
CRIME_ROW = pa.schema(
    [
        ("source", pa.string()),
        ("force", pa.string()),
        ("month", pa.date32()),
        ("date", pa.date32()),
        ("reference", pa.string()),
        ("crime_id", CRIME_ID),
        ("category", pa.string()),
        ("subcategory", pa.string()),
        ("lsoa", pa.string()),
        ("lsoa_vintage", pa.int16()),
        ("longitude", pa.float64()),
        ("latitude", pa.float64()),
        ("location", pa.string()),
        ("outcome", pa.string()),
        ("domestic", pa.bool_()),
        ("alcohol", pa.bool_()),
        ("hate", pa.bool_()),
        ("rural", pa.bool_()),
        ("asb_type", pa.string()),
    ]
)

# Columns of few distinct values, which Parquet stores best as dictionaries.
DICTIONARY_COLUMNS = (
    "source",
    "force",
    "month",
    "category",
    "subcategory",
    "lsoa",
    "lsoa_vintage",
    "location",
    "outcome",
    "asb_type",
)
# Columns worth compressing (zstd) in a partition file: text. The rest is left as Parquet encodes it: the
# columns above as dictionaries (a run of the same few values takes next to nothing), the coordinates as
# numbers (which zstd shrinks by a tenth, at a fifth of the write's time), and the columns a source leaves
# empty.
COMPRESSED_COLUMNS = ("reference", "category", "lsoa", "location", "outcome", "subcategory", "asb_type")
# Columns whose pages carry their least and greatest values, for readers that filter on them.
STATISTICS_COLUMNS = (
    "source",
    "force",
    "month",
    "category",
    "subcategory",
    "lsoa",
    "lsoa_vintage",
    "outcome",
    "asb_type",
)

# The aggregate that answers counts: one row per place, month and kind of crime.
AGGREGATE_KEYS = (
    "source",
    "force",
    "month",
    "lsoa",
    "category",
    "subcategory",
    "domestic",
    "alcohol",
    "hate",
    "rural",
    "asb_type",
)

# An LSOA code whose vintage is ambiguous (the same code in 2011 and 2021) is stored as this.
VINTAGE_BOTH = 0


def as_one_array(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """The column as one array. A column of one chunk is that chunk, not a copy (combine_chunks copies);
    the chunks of a dictionary column are first given one dictionary."""
    if isinstance(column, pa.Array):
        return column
    if column.num_chunks == 1:
        return column.chunk(0)
    if pa.types.is_dictionary(column.type):
        column = column.unify_dictionaries()
    return column.combine_chunks()
