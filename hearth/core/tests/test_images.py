import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hearth.core.images import process_image
from hearth.testing.factories import image_upload


def test_resizes_and_strips_metadata():
    out = process_image(
        image_upload(size=(1200, 600), fmt="JPEG", exif=True), max_side=256, prefix="t"
    )
    with Image.open(io.BytesIO(out.read())) as img:
        assert img.size == (256, 128)
        assert not img.getexif()
    assert out.name.startswith("t/") and out.name.endswith(".jpg")


def test_keeps_transparency_as_png():
    buffer = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(buffer, format="PNG")
    out = process_image(SimpleUploadedFile("a.png", buffer.getvalue()), max_side=64, prefix="t")
    assert out.name.endswith(".png")


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10,  # claims to be PNG
        b"GIF89a<script>alert(1)</script>",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"",
        b"%PDF-1.4",
    ],
)
def test_refuses_files_that_are_not_images(content):
    with pytest.raises(ValidationError, match="not an image"):
        process_image(SimpleUploadedFile("x.png", content), max_side=64, prefix="t")


def test_refuses_oversize_files(settings):
    settings.HEARTH_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    big = SimpleUploadedFile("big.png", b"\0" * (10 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="the limit is 10.0 MB"):
        process_image(big, max_side=64, prefix="t")


def test_refuses_other_formats():
    with pytest.raises(ValidationError, match="PNG, JPEG, GIF or WebP"):
        process_image(image_upload("x.bmp", fmt="BMP"), max_side=64, prefix="t")
