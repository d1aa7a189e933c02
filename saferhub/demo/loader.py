"""Loads the Leicester, Leicestershire and Rutland demo from demo.toml, through each app's demo loader.

Every app that has demo records declares its loader (`AppFeatures.demo_loader`), which writes through the
app's ordinary services, so the demo is audited like anything else. Idempotent: a record that already
exists (matched by slug, name, title or email) is left as it is, so a second run keeps whatever was changed
in the demo since.
"""

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from saferhub.core.registry import DemoRun, DemoStage, demo_loaders

DEMO_FILE = Path(__file__).with_name("demo.toml")
# Only the demo uses this password; it is printed by `make run`.
DEMO_PASSWORD = "demo-password-not-for-real-use"


def demo_load(*, with_evidence: bool) -> DemoRun:
    """The records in one transaction; then, unless left out, the evidence (each loader's own transactions:
    an import of police.uk data is large)."""
    run = DemoRun.from_file(DEMO_FILE, data_dir=Path(settings.BASE_DIR) / "data", password=DEMO_PASSWORD)
    loaders = [import_string(loader) for loader in demo_loaders()]
    with transaction.atomic():
        for loader in loaders:
            loader(run)
    if with_evidence:
        run.stage = DemoStage.EVIDENCE
        for loader in loaders:
            loader(run)
    return run
