import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hearth.communities.models import MAX_JOIN_QUESTIONS, RESERVED_SLUGS, Community

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$")
MAX_RULES_CHARS = 20_000


def validate_slug(slug: str, *, exclude_pk: int | None = None) -> None:
    if not slug:
        raise ValidationError(_("Choose a URL slug."), code="required")
    if not SLUG_PATTERN.match(slug) or "--" in slug:
        raise ValidationError(
            _(
                "Use 1–48 lowercase letters, digits and single hyphens, starting and ending "
                "with a letter or digit (no spaces, capitals or accents)."
            ),
            code="invalid",
        )
    if slug in RESERVED_SLUGS:
        raise ValidationError(_("“%(slug)s” is reserved. Choose another.") % {"slug": slug})
    taken = Community.objects.filter(slug=slug)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(_("“%(slug)s” is already taken.") % {"slug": slug}, code="taken")


def validate_rules(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the community's rules: members accept them to join."))
    if len(text) > MAX_RULES_CHARS:
        raise ValidationError(
            _("Keep the rules under %(n)s characters.") % {"n": f"{MAX_RULES_CHARS:,}"}
        )
    return text


def clean_join_questions(questions: list[str]) -> list[str]:
    cleaned = [q.strip() for q in questions if q and q.strip()]
    if len(cleaned) > MAX_JOIN_QUESTIONS:
        raise ValidationError(_("Ask at most %(n)s join questions.") % {"n": MAX_JOIN_QUESTIONS})
    for question in cleaned:
        if len(question) > 200:
            raise ValidationError(_("Keep each join question under 200 characters."))
    return cleaned
