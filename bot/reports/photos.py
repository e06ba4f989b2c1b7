"""A citizen's photo with a report: checked to be an image and stripped of what it tells about them.

A phone's photo carries EXIF data: where it was taken (GPS), when, with which phone, sometimes
the owner's name. None of that may be kept or passed on. So every photo is decoded and encoded
again (Pillow), which keeps only the pixels; it is turned the way EXIF says first, so nothing
looks sideways. Anything that does not decode as a JPEG, PNG or WebP image is refused with a
reason a citizen can be told ("a PDF posing as a photo"), and large photos are made smaller.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_SIDE = 2000                    # pixels: enough to see a loose paving stone, small to store
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class NotAPhoto(ValueError):
    """The upload is not a photo the assistant accepts; `reason` says why, for the citizen's answer."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason        # too_large, not_an_image, unsupported_type


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    content_type: str
    width: int
    height: int


def clean_photo(upload: bytes) -> CleanPhoto:
    """The photo's pixels only, at most MAX_SIDE pixels on its longest side; NotAPhoto otherwise."""
    from PIL import Image, ImageOps, UnidentifiedImageError
    if len(upload) > MAX_UPLOAD_BYTES:
        raise NotAPhoto("too_large")
    try:
        with Image.open(io.BytesIO(upload)) as image:
            kind = image.format or ""
            if kind not in FORMATS:
                raise NotAPhoto("unsupported_type")
            image.load()                                       # decodes all of it: a truncated file fails here
            upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise NotAPhoto("not_an_image") from error
    if max(upright.size) > MAX_SIDE:
        upright.thumbnail((MAX_SIDE, MAX_SIDE))
    if kind == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    # A new image of the pixels alone: no EXIF, no XMP, no ICC profile, no text chunks.
    bare = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    if upright.mode == "P":
        bare.putpalette(upright.getpalette() or [])
    out = io.BytesIO()
    bare.save(out, format=kind, **({"quality": 85} if kind in ("JPEG", "WEBP") else {}))
    return CleanPhoto(out.getvalue(), FORMATS[kind], bare.width, bare.height)
