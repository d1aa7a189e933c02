"""The demo's crime data: two years of Leicestershire police.uk data, the North West Leicestershire force
extracts with their column mappings, and the indicator sets built on them. Each part only when missing."""

from pathlib import Path

from saferhub.core.registry import DemoRun, DemoStage
from saferhub.crimedata.extracts import extract_mapping_read
from saferhub.crimedata.models import ColumnMapping
from saferhub.crimedata.schema import SOURCE_POLICEUK_STREET
from saferhub.crimedata.selectors import months_stored
from saferhub.crimedata.services import column_mapping_save, crime_import, extract_import, indicators_load
from saferhub.partnerships.selectors import partnership_by_slug

PACKAGE = Path(__file__).resolve().parent
# The local extracts and the column mapping each is read through.
EXTRACTS = {"nwl-crime.toml": "nwl-crime-extract.csv", "nwl-asb.toml": "nwl-asb-incidents.csv"}


def demo_load(run: DemoRun) -> None:
    if run.stage != DemoStage.EVIDENCE:
        return
    data = run.data_dir
    if "leicestershire" not in months_stored(source=SOURCE_POLICEUK_STREET):
        imported = crime_import(paths=sorted((data / "policeuk").glob("leicestershire-*.zip")))
        first_and_last = imported.months[:1] + imported.months[-1:]
        run.loaded.append(f"police.uk: {imported.rows_stored:,} rows for {', '.join(first_and_last)}")
    north_west = partnership_by_slug("north-west-leicestershire")
    for mapping_file, extract in EXTRACTS.items():
        mapping_path = PACKAGE / "mappings" / mapping_file
        mapping = extract_mapping_read(mapping_path)
        if north_west is not None and not ColumnMapping.objects.filter(slug=mapping.slug).exists():
            column_mapping_save(
                partnership=north_west, text=mapping_path.read_text(encoding="utf-8"), actor=None
            )
        if not months_stored(source=mapping.source):
            imported = extract_import(
                paths=[data / "local" / extract], mapping=mapping, partnership=north_west
            )
            run.loaded.append(f"{mapping.name}: {imported.rows_stored:,} rows")
    indicators_load(path_or_text=PACKAGE / "indicators" / "policeuk.toml")
    leicester = partnership_by_slug("leicester")
    if leicester is not None:
        indicators_load(
            path_or_text=PACKAGE / "indicators" / "leicester-serious-violence.toml", partnership=leicester
        )
    if north_west is not None:
        indicators_load(path_or_text=PACKAGE / "indicators" / "nwl-headline.toml", partnership=north_west)
