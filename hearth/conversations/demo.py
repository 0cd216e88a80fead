"""Demo direct messages: a handful of realistic conversations written through the services
(so they carry their events and respect every rule), then spread over the past days."""

from __future__ import annotations

import random
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hearth.accounts.models import User
from hearth.communities.models import Community
from hearth.conversations import services
from hearth.conversations.models import Conversation, Message, Participant
from hearth.core.actor import Actor
from hearth.core.models import InteractionEvent

# (subject, number of people, lines as (speaker index, text)); speaker 0 starts.
SCRIPTS = [
    ("", 2, [
        (0, "Hi! Your answer in the help category saved my weekend — thank you."),
        (1, "So glad it worked! What was it in the end, the settings or the firmware?"),
        (0, "The firmware. Updating fixed it straight away."),
        (1, "Great. Shout if anything else comes up, happy to help."),
    ]),
    ("", 2, [
        (0, "Welcome to the community! I saw your introduction — what got you started?"),
        (1, "Thanks! A friend dragged me along to a workshop and I was hooked."),
        (0, "Ha, same story here. The **monthly challenge** is a good way to meet people."),
    ]),
    ("Meetup planning", 4, [
        (0, "Shall we plan the spring meetup? I can book the room for a Saturday."),
        (1, "Saturday works for me. Morning or afternoon?"),
        (2, "Afternoon please, I have a class until noon."),
        (3, "Afternoon is fine. I can bring coffee ☕"),
        (0, "Afternoon it is. I'll post the details in the events category once it's booked."),
    ]),
    ("", 2, [
        (0, "Quick question about your idea on the board: do you mean per project or per team?"),
        (1, "Per project — teams change too often. I'll clarify it in the post."),
    ]),
    ("Feedback on my draft", 3, [
        (0, "Would you two mind reading my guide before I post it?\n\n- intro\n- setup\n- tips"),
        (1, "Happy to. The setup part could use a screenshot or two."),
        (2, "Agree. Otherwise it reads really well!"),
        (0, "Thanks both, adding screenshots tonight."),
    ]),
]  # fmt: skip


def _backdate(conversation: Conversation, start, rng: random.Random) -> None:
    """Spread a fresh conversation's messages (and their events) from ``start`` on."""
    when, now = start, timezone.now()
    for message in Message.objects.filter(conversation=conversation).order_by("id"):
        when = min(when + timedelta(minutes=rng.randint(3, 60 * 8)), now)
        Message.objects.filter(pk=message.pk).update(created_at=when)
    first = Message.objects.filter(conversation=conversation).order_by("id").first()
    Conversation.objects.filter(pk=conversation.pk).update(
        created_at=first.created_at, last_message_at=when
    )
    Participant.objects.filter(conversation=conversation).update(
        joined_at=first.created_at, last_message_at=when
    )
    InteractionEvent.objects.filter(
        community=conversation.community_id,
        verb="message.send",
        object_type="conversations.conversation",
        object_id=conversation.pk,
    ).update(created_at=when)


def populate(community: Community, people: list[User], rng: random.Random) -> None:
    """A few conversations between active members of ``community`` among ``people``; the
    last reply of each stays unread for its recipients, as in a real inbox."""
    now = timezone.now()
    for subject, size, lines in SCRIPTS:
        if len(people) < size:
            continue
        cast = rng.sample(people, k=size)
        actors = [Actor.for_user(user, community) for user in cast]
        try:
            conversation = services.start_conversation(
                actor=actors[0], recipients=cast[1:], body=lines[0][1], subject=subject
            )
            for speaker, text in lines[1:]:
                services.send_message(actor=actors[speaker], conversation=conversation, body=text)
        except (PermissionDenied, ValidationError):
            # Someone is not an active member, or turned messages off: skip this one.
            continue
        _backdate(conversation, now - timedelta(days=rng.uniform(1, 20)), rng)
