"""The demo's geography: the ONS areas and boundaries in `data/`, loaded once."""

from saferhub.core.registry import DemoRun, DemoStage
from saferhub.geography.selectors import area_by_code
from saferhub.geography.services import geography_import

# Rutland: present once the demo's geography is loaded.
LOADED_MARKER = "E06000016"


def demo_load(run: DemoRun) -> None:
    if run.stage != DemoStage.EVIDENCE or area_by_code(LOADED_MARKER) is not None:
        return
    summary = geography_import(paths=[run.data_dir / "ons", run.data_dir / "boundaries"])
    run.loaded.append(f"geography: {sum(summary.areas.values()):,} areas")
