"""A board pack as read: its page's context (the snapshot and a chart of each measure), and its tagged PDF.

Moved out of views.py so that the task worker (documents.py) makes the PDF from the same context as the page.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from saferhub.design_system.charts import bar_chart
from saferhub.design_system.pdf import pdf_from_html
from saferhub.partnerships.models import Partnership
from saferhub.performance.models import BoardPack


def pack_charts(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A chart for each measure of the snapshot with figures, keyed 'priority index-measure index'."""
    charts = {}
    for p_index, priority in enumerate(snapshot.get("priorities", [])):
        for m_index, measure in enumerate(priority["measures"]):
            values = [point["value"] for point in measure["points"]]
            if not any(v is not None for v in values) or any(v is not None and v < 0 for v in values):
                continue
            charts[f"{p_index}-{m_index}"] = bar_chart(
                chart_id=f"pack-{p_index}-{m_index}",
                title=f"{measure['title']}, against the target of {measure['target']:g}",
                description="The dashed line is the target.",
                labels=[point["period"] for point in measure["points"]],
                values=values,
                target=measure["target"],
                target_label=f"Target: {measure['target']:g}",
                width=560,
                height=260,
                max_axis_labels=4,
            )
    return charts


def pack_context(partnership: Partnership, pack: BoardPack) -> dict[str, Any]:
    return {
        "partnership": partnership,
        "pack": pack,
        "snapshot": pack.snapshot,
        "charts": pack_charts(pack.snapshot),
    }


def board_pack_pdf(
    partnership: Partnership, pack: BoardPack, *, on_progress: Callable[[int], None] = lambda percent: None
) -> bytes:
    """The pack as a tagged PDF (PDF/UA-1), from the same context as its page; `on_progress` hears how far it
    has got (per cent), for the task worker's progress page."""
    html = render_to_string("performance/pack_pdf.html", pack_context(partnership, pack))
    on_progress(30)  # the page is drawn; laying it out as a PDF is the rest
    return pdf_from_html(html, base_url=settings.SAFERHUB_BASE_URL)
