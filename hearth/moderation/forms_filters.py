"""Forms for the watched words and posting limits pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hearth.moderation.models import WatchedAction
from hearth.moderation.watched_words import MAX_LINES, MAX_WORD_CHARS

MAX_SECONDS = 86400


class WatchedWordsForm(forms.Form):
    words = forms.CharField(
        label=_("Words"),
        max_length=MAX_LINES * (MAX_WORD_CHARS + 2),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One word or phrase a line. Whole words match (“ass” does not catch “class”); "
            "put * at the start or end to match inside words (“*spam*”). Capitals, accents, "
            "look-alike letters from other alphabets, invisible characters, leetspeak "
            "(“sh1t”) and spaced-out letters (“s h i t”) are all caught."
        ),
    )
    action = forms.ChoiceField(
        label=_("What happens to posts with them"),
        choices=WatchedAction.choices,
        widget=forms.RadioSelect,
        initial=WatchedAction.BLOCK,
    )


class ProfanityForm(forms.Form):
    profanity_action = forms.ChoiceField(
        label=_("Default profanity list"),
        choices=[("", _("Off"))] + WatchedAction.choices,
        required=False,
        help_text=_(
            "About 900 English swear words and slurs from the better-profanity package, "
            "matched like your own words. Censor masks them; your own list applies as well."
        ),
    )


def _seconds(label, help_text=""):
    return forms.IntegerField(label=label, min_value=0, max_value=MAX_SECONDS, help_text=help_text)


def _count(label, help_text=""):
    return forms.IntegerField(label=label, min_value=0, max_value=1000, help_text=help_text)


class PostingLimitsForm(forms.Form):
    new_topic_seconds = _seconds(_("New members: seconds between topics"))
    new_reply_seconds = _seconds(_("New members: seconds between replies"))
    new_first_day_topics = _count(_("New members: topics on their first day"))
    new_first_day_replies = _count(_("New members: replies on their first day"))
    topic_seconds = _seconds(_("Everyone else: seconds between topics"))
    reply_seconds = _seconds(_("Everyone else: seconds between replies"))
    duplicate_seconds = _seconds(
        _("Refuse the same post twice within (seconds)"), _("0 allows repeats.")
    )
    max_mentions = _count(_("Mentions in one post"))
    flags_per_day = _count(_("Flags a member may raise in a day"))
    spam_max_links = _count(
        _("Hold a new member's post with more links than"), _("0 turns this signal off.")
    )
    spam_same_post_topics = _count(
        _("Hold a new member's post repeated in this many topics within an hour"),
        _("0 turns this signal off."),
    )
    spam_max_chars_per_second = _count(
        _("Hold a new member's post typed faster than (characters a second)"),
        _("A fast typist manages about 10. 0 turns this signal off."),
    )

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if read_only:
            for field in self.fields.values():
                field.disabled = True
