"""Background work for documents: the task worker makes each one, not the web request."""

from django.tasks import task

from saferhub.documents.making import document_make


@task
def document_make_run(*, document_id: str) -> None:
    """Make a queued document; its page shows the progress and the outcome."""
    document_make(document_id=document_id)
