"""Uploaded images (avatars, logos): verified, re-encoded, metadata stripped, resized.

Nothing the client sent is stored as-is: the file is decoded by Pillow and written anew,
which drops EXIF/GPS data and anything appended to the image."""

import io
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
MAX_PIXELS = 40_000_000


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
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if has_alpha:
        image.save(out, format="PNG", optimize=True)
        ext = "png"
    else:
        image.save(out, format="JPEG", quality=88, optimize=True)
        ext = "jpg"
    return ContentFile(out.getvalue(), name=f"{prefix}/{uuid.uuid4().hex}.{ext}")
