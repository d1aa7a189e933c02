"""The demo's evidence: Leicestershire's geography, two years of police.uk data, the North West
Leicestershire force extracts with their column mappings, and the indicator sets built on them.

Each step is skipped when its data is already there, so loading the demo again is quick.
"""

from pathlib import Path

from django.conf import settings

from saferhub.crimedata.extracts import extract_mapping_read
from saferhub.crimedata.models import ColumnMapping
from saferhub.crimedata.schema import SOURCE_POLICEUK_STREET
from saferhub.crimedata.selectors import months_stored
from saferhub.crimedata.services import column_mapping_save, crime_import, extract_import, indicators_load
from saferhub.geography.selectors import area_by_code
from saferhub.geography.services import geography_import
from saferhub.partnerships.selectors import partnership_by_slug

PACKAGE = Path(__file__).resolve().parent.parent / "crimedata"
# The local extracts and the column mapping each is read through.
EXTRACTS = {"nwl-crime.toml": "nwl-crime-extract.csv", "nwl-asb.toml": "nwl-asb-incidents.csv"}


def demo_data_dir() -> Path:
    return Path(settings.BASE_DIR) / "data"


def demo_crime_data_load(data: Path | None = None) -> list[str]:
    """Load what is missing; returns a line for each thing loaded."""
    data = data or demo_data_dir()
    loaded = []
    if area_by_code("E06000016") is None:
        summary = geography_import(paths=[data / "ons", data / "boundaries"])
        loaded.append(f"geography: {sum(summary.areas.values()):,} areas")
    if "leicestershire" not in months_stored(source=SOURCE_POLICEUK_STREET):
        run = crime_import(paths=sorted((data / "policeuk").glob("leicestershire-*.zip")))
        loaded.append(
            f"police.uk: {run.rows_stored:,} rows for {', '.join(run.months[:1] + run.months[-1:])}"
        )
    north_west = partnership_by_slug("north-west-leicestershire")
    for mapping_file, extract in EXTRACTS.items():
        mapping_path = PACKAGE / "mappings" / mapping_file
        mapping = extract_mapping_read(mapping_path)
        if north_west is not None and not ColumnMapping.objects.filter(slug=mapping.slug).exists():
            column_mapping_save(
                partnership=north_west, text=mapping_path.read_text(encoding="utf-8"), actor=None
            )
        if not months_stored(source=mapping.source):
            run = extract_import(paths=[data / "local" / extract], mapping=mapping, partnership=north_west)
            loaded.append(f"{mapping.name}: {run.rows_stored:,} rows")
    indicators_load(path_or_text=PACKAGE / "indicators" / "policeuk.toml")
    leicester = partnership_by_slug("leicester")
    if leicester is not None:
        indicators_load(
            path_or_text=PACKAGE / "indicators" / "leicester-serious-violence.toml", partnership=leicester
        )
    if north_west is not None:
        indicators_load(path_or_text=PACKAGE / "indicators" / "nwl-headline.toml", partnership=north_west)
    return loaded
