"""Tagged, accessible PDFs from our own HTML, with WeasyPrint.

The public sector accessibility regulations cover PDFs, so every PDF the platform makes is tagged (PDF/UA-1:
a structure tree, the document's title and language from the HTML's <title> and lang). HTML stays the
primary format; the PDF is the same page printed with its own stylesheet.
"""


def pdf_from_html(html: str, *, base_url: str) -> bytes:
    """The PDF of a whole HTML document. Give it <html lang="en"> and a <title>: PDF/UA needs both.

    `base_url` resolves relative links and images; the HTML should carry its stylesheet inline so that
    rendering makes no request back to the web server.
    """
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=base_url)
    pdf = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    if pdf is None:  # only when given a target to write to, which this never does
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(pdf)
