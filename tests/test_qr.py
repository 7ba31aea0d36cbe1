"""A printed QR code must scan back to its link, at the smallest size we allow."""

import io

import pypdfium2
import pytest
import zxingcpp
from reportlab.platypus import SimpleDocTemplate

from handouts.render.qr import MIN_SIZE, QRFlowable, min_size_for, modules


def _decode(url: str, size: float, dpi: int = 300) -> list[str]:
    buf = io.BytesIO()
    SimpleDocTemplate(buf).build([QRFlowable(url, size, "#1f4e79")])
    page = pypdfium2.PdfDocument(buf.getvalue())[0]
    image = page.render(scale=dpi / 72).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("url", [
    "https://example.org/v",
    "https://www.example.org/neck-and-shoulder-self-massage?lang=en&part=2",
])
def test_code_scans_back_at_its_smallest_size(url):
    assert _decode(url, min_size_for(url)) == [url]


def test_smallest_size_grows_with_the_link():
    short, long_ = "https://e.org/v", "https://example.org/" + "x" * 200
    assert modules(long_) > modules(short)
    assert MIN_SIZE <= min_size_for(short) < min_size_for(long_)
    assert min_size_for(long_) > MIN_SIZE


def test_code_is_drawn_at_the_size_asked():
    flow = QRFlowable("https://e.org/v", 60)
    assert flow.wrap(500, 500) == (60, 60)
