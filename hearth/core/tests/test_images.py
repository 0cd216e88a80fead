import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, PngImagePlugin

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


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'dc:creator="secret"/></rdf:RDF></x:xmpmeta>'
)


def _jpeg_with_everything() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "secret camera"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (52.0, 31.0, 12.0)  # GPSLatitudeRef, GPSLatitude
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(
        buffer,
        "JPEG",
        comment=b"secret comment",
        exif=exif,
        xmp=XMP,
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    return buffer.getvalue()


def test_jpeg_comment_exif_gps_xmp_and_profile_are_not_stored():
    original = _jpeg_with_everything()
    with Image.open(io.BytesIO(original)) as img:  # the fixture really carries them
        assert {"comment", "exif", "xmp", "icc_profile"} <= img.info.keys()
    assert original.count(b"secret") == 3

    stored = process_image(SimpleUploadedFile("a.jpg", original), max_side=64, prefix="t").read()

    assert b"secret" not in stored
    for marker in (b"Exif\x00\x00", b"http://ns.adobe.com/xap/1.0/", b"ICC_PROFILE"):
        assert marker not in stored
    with Image.open(io.BytesIO(stored)) as img:
        assert not img.getexif()
        assert not {"comment", "exif", "xmp", "icc_profile"} & img.info.keys()


def test_png_text_chunks_and_profile_are_not_stored():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret tEXt")
    info.add_text("Author", "secret zTXt", zip=True)
    info.add_itxt("Description", "secret iTXt", lang="en")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    buffer = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(
        buffer,
        "PNG",
        pnginfo=info,
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    stored = process_image(SimpleUploadedFile("a.png", buffer.getvalue()), max_side=64, prefix="t")
    data = stored.read()
    assert stored.name.endswith(".png")
    assert b"secret" not in data
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"iCCP", b"eXIf"):
        assert chunk not in data


def test_gif_comment_is_not_stored():
    buffer = io.BytesIO()
    Image.new("P", (8, 8), 3).save(buffer, "GIF", comment=b"secret gif comment")
    assert b"secret" in buffer.getvalue()
    stored = process_image(SimpleUploadedFile("a.gif", buffer.getvalue()), max_side=64, prefix="t")
    assert b"secret" not in stored.read()


@pytest.mark.parametrize(
    "profile",
    [ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(), b"not a profile"],
    ids=["srgb", "unusable"],
)
@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_colour_profile_is_applied_then_dropped(profile, mode):
    buffer = io.BytesIO()
    Image.new(mode, (8, 8), (200, 30, 30, 255)[: len(mode)]).save(
        buffer, "PNG", icc_profile=profile
    )
    stored = process_image(SimpleUploadedFile("a.png", buffer.getvalue()), max_side=64, prefix="t")
    with Image.open(io.BytesIO(stored.read())) as img:
        assert "icc_profile" not in img.info
        assert img.mode == mode
        assert img.convert("RGB").getpixel((0, 0)) == (200, 30, 30)
