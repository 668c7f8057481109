"""The PDF edition: an edition's one-file HTML drawn as a PDF by WeasyPrint, without a browser.

Input: the one-file HTML of an edition (publishing/one_file.py), which already carries the print rules
(templates/briefing.html and the site's print styles: running header with the briefing's
title, page numbers, the contents with the page of each part, notes with their URLs).
Output: the PDF's bytes: A4, tagged for accessibility (PDF/UA-1), its charts drawn as
vectors (WeasyPrint draws inline SVG as paths), its text in Source Sans Pro, embedded
and extractable in Cyrillic too (the font the social cards use, from the Python package
font-source-sans-pro), its title, language and dates from the HTML's <title>, lang and
dcterms meta. The same HTML gives the same bytes: WeasyPrint writes the dates it is given
and no random identifier.

`make_pdf` runs in a worker process of its own (parallel.FreshWorkers): a PDF takes
seconds to lay out, and the build goes on meanwhile.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

PDF_FILE = "briefing.pdf"  # in each edition's folder, beside the one-file HTML
PDF_VARIANT = "pdf/ua-1"  # tagged, with the document's language and title, for screen readers
# The font's files by weight and style: Source Sans Pro has Cyrillic, and every machine that
# builds the site has it, since the social cards need it too.
FONT_FILES = {
    ("normal", 400): "SourceSansPro", ("italic", 400): "SourceSansProIt",
    ("normal", 600): "SourceSansProSemibold", ("italic", 600): "SourceSansProSemiboldIt",
    ("normal", 700): "SourceSansProBold", ("italic", 700): "SourceSansProBoldIt",
    ("normal", 900): "SourceSansProBlack", ("italic", 900): "SourceSansProBlackIt",
}
# A chart's drawing names its fonts (DejaVu Sans first, whose widths its labels were laid out
# with): in the PDF it is drawn in the one font embedded, narrower, so every label still fits.
_SVG_FONT = re.compile(r'font-family="[^"]*"')
# What only the PDF needs on top of the file's print rules (templates/briefing.html): its paper, a running
# header with the briefing's title (paged media that browsers do not draw), and the font, by file.
PDF_RULES = """
@page { size: A4; @top-center { content: string(briefing-title); font-size: 8pt; color: #555; } }
@page :first { @top-center { content: none; } }
.briefing-title { string-set: briefing-title content(); }
:root { --font: "Source Sans Pro", sans-serif; --font-serif: "Source Sans Pro", serif; font-family: var(--font); }
"""


def font_files() -> dict[tuple[str, int], Path]:
    """Return the font's file for each (style, weight) the PDF uses."""
    import font_source_sans_pro

    return {key: Path(font_source_sans_pro.font_files_ttf[name]) for key, name in FONT_FILES.items()}


def pdf_styles() -> str:
    """Return the stylesheet the PDF adds to the file: the paper and the font's faces, by file URL."""
    faces = "".join(f'@font-face {{ font-family: "Source Sans Pro"; font-style: {style}; font-weight: {weight}; '
                    f'src: url("{path.as_uri()}"); }}\n' for (style, weight), path in font_files().items())
    return faces + PDF_RULES


def pdf_inputs_version() -> str:
    """Return what, beside the HTML, decides a PDF's bytes: WeasyPrint's version, its fonts and rules."""
    from importlib import metadata

    return f"weasyprint={metadata.version('weasyprint')} {pdf_styles()}"


def warm_up() -> None:
    """Load WeasyPrint (about a second), while the pages the PDF is made from are being rendered."""
    import weasyprint  # noqa: F401


class PdfUnavailable(Exception):
    """WeasyPrint could not load the system libraries it draws with (Pango, HarfBuzz)."""


def make_pdf(_state: None, one_file_html: str) -> bytes:
    """Return the PDF of an edition's one-file HTML (a function of parallel's workers: state, item)."""
    try:
        import weasyprint
    except OSError as error:  # a library of the system's is missing: said at site.yaml's `pdf: true` (pipeline.py)
        raise PdfUnavailable(str(error)) from None

    styles = f"<style>\n{pdf_styles()}</style>\n"
    source = _SVG_FONT.sub('font-family="Source Sans Pro"', one_file_html.replace("</head>", styles + "</head>", 1))
    # Only files may be read, and the file names none but the fonts: nothing is fetched from a network.
    fetcher = weasyprint.URLFetcher(allowed_protocols={"file"})
    # Where the system has no HarfBuzz subsetter (libharfbuzz-subset), fontTools subsets the
    # fonts and stamps the time into each one, so two builds differed; it takes the time from
    # SOURCE_DATE_EPOCH when that is set (the reproducible-builds convention).
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch or "0"
    try:
        return weasyprint.HTML(string=source, url_fetcher=fetcher, media_type="print").write_pdf(pdf_variant=PDF_VARIANT)
    finally:
        if epoch is None:
            del os.environ["SOURCE_DATE_EPOCH"]


def make_pdf_of_file(_state: None, one_file_path: str) -> bytes:
    """Return the PDF of the one-file HTML stored at a path: the worker reads it, so the build
    never holds the file (~100 MB at 10,000 articles) to send it over."""
    return make_pdf(_state, Path(one_file_path).read_text(encoding="utf-8"))
