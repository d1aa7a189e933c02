"""For the views of the apps that make documents: where to send the person who asked for one."""

from django.http import HttpResponseRedirect
from django.shortcuts import redirect

from saferhub.documents.models import Document
from saferhub.documents.selectors import document_file


def document_redirect(document: Document) -> HttpResponseRedirect:
    """To the file when it is made (a made one is kept until its figures change), else to its page."""
    document.refresh_from_db(fields=["status"])  # a quick worker may have made it since it was asked for
    name = "documents:download" if document_file(document) is not None else "documents:document"
    return redirect(name, slug=document.partnership.slug, document_id=document.public_id)
