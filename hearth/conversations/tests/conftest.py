import pytest

from hearth.conversations import services
from hearth.testing.factories import actor_for


@pytest.fixture
def start(community):
    """start(sender, [recipients], body="…", subject="") -> Conversation, via the service."""

    def make(sender, recipients, body="Hello there", subject=""):
        return services.start_conversation(
            actor=actor_for(sender, community), recipients=recipients, body=body, subject=subject
        )

    return make


@pytest.fixture
def send(community):
    """send(sender, conversation, body="…") -> Message, via the service."""

    def make(sender, conversation, body="Another message"):
        return services.send_message(
            actor=actor_for(sender, community), conversation=conversation, body=body
        )

    return make
