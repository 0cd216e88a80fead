"""Uploaded images (avatars, logos, post images): verified, re-encoded, metadata stripped,
resized.

Nothing the client sent is stored as-is: the pixels are decoded by Pillow and written into a
new file, which drops EXIF/GPS, XMP, IPTC, comments, PNG text chunks, colour profiles (after
converting to sRGB) and anything appended to the image."""

import io
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
MAX_PIXELS = 40_000_000
SRGB = ImageCms.createProfile("sRGB")


def _to_srgb(image: Image.Image, mode: str) -> Image.Image:
    """Convert to ``mode`` in sRGB. An embedded colour profile is applied, then dropped
    with the rest of the metadata: it can name the device, and every browser assumes sRGB."""
    if icc := image.info.get("icc_profile"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(image, source, SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # an unusable profile: convert without it
    return image.convert(mode)


def process_image(upload, *, max_side: int, prefix: str) -> ContentFile:
    """Return a clean re-encoded copy of the upload, at most ``max_side`` px on each side.

    Raises ValidationError with a message for the person who uploaded it."""
    limit = settings.HEARTH_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("That file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1048576, 1), "limit": round(limit / 1048576, 1)}
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            probe = Image.open(upload)
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationError(_("Upload a PNG, JPEG, GIF or WebP image."))
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("That image has too many pixels."))
            probe.verify()
            upload.seek(0)
            image = Image.open(upload)
            image.load()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise ValidationError(_("That file is not an image we can read.")) from exc

    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = _to_srgb(image, "RGBA" if has_alpha else "RGB")
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # A new image from the pixels alone: Pillow writes some of ``info`` back out (a JPEG's
    # comment, a PNG's ICC profile), so nothing of the original's metadata may ride along.
    image = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    if has_alpha:
        image.save(out, format="PNG", optimize=True)
        ext = "png"
    else:
        image.save(out, format="JPEG", quality=88, optimize=True)
        ext = "jpg"
    return ContentFile(out.getvalue(), name=f"{prefix}/{uuid.uuid4().hex}.{ext}")
