"""pdf_from_html: a tagged PDF (structure tree, marked content), with its title, language and text."""

import re
import subprocess
import zlib

from saferhub.design_system.pdf import pdf_from_html

HTML = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Board pack 2025/26 Q2</title>
<style>body { font-family: sans-serif; }</style></head>
<body><h1>Board pack</h1><p>Retail crime fell in the city centre &amp; the market.</p>
<table><caption>Figures</caption><tr><th scope="col">Quarter</th><th scope="col">Count</th></tr>
<tr><td>Q2</td><td>41</td></tr></table></body></html>"""


def objects(pdf: bytes) -> bytes:
    """The PDF's bytes with every compressed stream inflated: the catalog sits in an object stream."""
    inflated = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.DOTALL):
        try:
            inflated.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(inflated)


def test_the_pdf_is_tagged_and_titled(tmp_path):
    pdf = pdf_from_html(HTML, base_url=str(tmp_path))
    assert pdf.startswith(b"%PDF")
    catalog = objects(pdf)
    assert b"/StructTreeRoot" in catalog
    assert b"/MarkInfo" in catalog
    assert b"/Lang (en-GB)" in catalog
    info = subprocess.run(
        ["/usr/bin/pdfinfo", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Title:           Board pack 2025/26 Q2" in info
    assert "Tagged:          yes" in info


def test_the_pdf_holds_the_text(tmp_path):
    pdf = pdf_from_html(HTML, base_url=str(tmp_path))
    text = subprocess.run(
        ["/usr/bin/pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Retail crime fell in the city centre & the market." in text
    assert "41" in text
