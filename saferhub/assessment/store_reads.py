"""What the assessment reads of the crime store that crimedata's selectors do not give directly, read only
through those selectors."""

from django.conf import settings
from django.db.models import Count, Max

from saferhub.crimedata import selectors as crime


def store_version() -> str:
    """A name of the crime store as it now is, which changes whenever its manifest may have: every import
    run (a new one, or one that commits, fails or is refused) is saved, so the number of runs and the latest
    change among them move with every partition written. The data directory is part of it: two stores are
    two versions."""
    runs = crime.import_runs().order_by().aggregate(count=Count("pk"), changed=Max("updated_at"))
    changed = runs["changed"].isoformat() if runs["changed"] else "never"
    return f"{settings.SAFERHUB_DATA_DIR}|{runs['count']}|{changed}"
