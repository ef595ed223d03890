"""Real little scans for uploads (an upload is parsed, so a few magic bytes no longer pass for a file)."""

from __future__ import annotations

import io

from courtdesk.kernel.demo import tiny_pdf, tiny_png

__all__ = ["tiny_jpeg", "tiny_pdf", "tiny_png", "tiny_tiff"]


def _image(fmt: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (8, 8), 200).save(out, format=fmt)
    return out.getvalue()


def tiny_jpeg() -> bytes:
    return _image("JPEG")


def tiny_tiff() -> bytes:
    return _image("TIFF")
