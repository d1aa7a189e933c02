"""Background work for crime data: a large upload is imported by the task worker, not the web request."""

import contextlib

from django.tasks import task

from saferhub.crimedata.importing import ImportRefused, import_run_fail, import_upload_run
from saferhub.crimedata.models import ColumnMapping, ImportRun, ImportStatus


@task
def uploaded_import_run(*, run_id: str, mapping_id: str | None) -> None:
    """Import the file a person uploaded for a queued run; its page shows the progress and the outcome."""
    run = ImportRun.objects.filter(public_id=run_id, status=ImportStatus.QUEUED).first()
    if run is None:
        return  # already run (a task delivered twice), or gone
    mapping = None
    if mapping_id is not None:
        mapping = ColumnMapping.objects.filter(public_id=mapping_id, partnership=run.partnership).first()
        if mapping is None:
            import_run_fail(run=run, error="Its column mapping was removed before the import began.")
            return
    # A refused import is marked refused, with the reason, for its page to show.
    with contextlib.suppress(ImportRefused):
        import_upload_run(run=run, mapping=mapping)
