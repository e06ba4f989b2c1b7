"""A citizen's photo: only its pixels are kept (no GPS, no phone, no owner), turned upright and
made smaller; a PDF posing as a photo, or a broken file, is refused with a reason."""
import io

import pytest
from PIL import Image

from bot.reports.photos import MAX_SIDE, NotAPhoto, clean_photo


def photo_with_exif(size=(3000, 1500), orientation: int = 1, kind: str = "JPEG") -> bytes:
    image = Image.new("RGB", size, (200, 10, 10))
    image.putpixel((0, 0), (0, 0, 255))                     # a corner to tell which way is up
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"                              # make
    exif[0x013B] = "Jan Jansen"                              # artist: the owner's name
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (52.0, 12.0, 30.0)
    out = io.BytesIO()
    image.save(out, format=kind, exif=exif.tobytes())
    return out.getvalue()


def test_only_the_pixels_are_kept():
    clean = clean_photo(photo_with_exif())
    kept = Image.open(io.BytesIO(clean.content))
    assert dict(kept.getexif()) == {} and "exif" not in kept.info
    assert b"Jan Jansen" not in clean.content and b"PhoneMaker" not in clean.content
    assert (clean.content_type, clean.width, clean.height) == ("image/jpeg", MAX_SIDE, MAX_SIDE // 2)


def test_a_photo_is_turned_the_way_the_phone_held_it():
    clean = clean_photo(photo_with_exif(size=(40, 20), orientation=6))     # 6: rotate 90 degrees clockwise
    assert (clean.width, clean.height) == (20, 40)


def test_png_stays_png():
    assert clean_photo(photo_with_exif(size=(10, 10), kind="PNG")).content_type == "image/png"


@pytest.mark.parametrize("upload, reason", [
    (b"%PDF-1.7\n1 0 obj<<>>endobj\n" + b"0" * 100, "not_an_image"),      # a PDF named foto.jpg
    (photo_with_exif(size=(50, 50))[:300], "not_an_image"),               # cut off halfway
    (b"GIF89a" + b"\x00" * 50, "not_an_image"),
    (b"\xff" * (11 * 1024 * 1024), "too_large"),
])
def test_what_is_not_a_photo_is_refused_with_a_reason(upload, reason):
    with pytest.raises(NotAPhoto) as refused:
        clean_photo(upload)
    assert refused.value.reason == reason


def test_a_gif_is_not_a_photo_type_we_take():
    out = io.BytesIO()
    Image.new("P", (5, 5)).save(out, format="GIF")
    with pytest.raises(NotAPhoto) as refused:
        clean_photo(out.getvalue())
    assert refused.value.reason == "unsupported_type"
