from datetime import timedelta

import pytest
from django.utils import timezone

from hearth.governance import services
from hearth.governance.models import GovernanceSettings, Threshold
from hearth.testing.factories import actor_for, membership_factory, user_factory

NEW_RULES = "1. Be kind.\n2. Stay on topic.\n3. Credit the photographer."


def enable(community, **overrides) -> GovernanceSettings:
    """Proposals on, with rules of voting a test can read at a glance."""
    values = {
        "proposals_enabled": True, "propose_trust_level": 2, "voting_days": 7,
        "quorum_percent": 50, "threshold": Threshold.MAJORITY, "vote_trust_level": 1,
        "vote_member_days": 7, "owner_veto": False, "veto_days": 3, **overrides,
    }  # fmt: skip
    settings = GovernanceSettings.objects.filter(community=community).first()
    settings = settings or GovernanceSettings(community=community)
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()
    return settings


@pytest.fixture
def make_voter(community):
    """make_voter(trust_level=1, days=30, **fields) -> a member who joined ``days`` ago."""

    def make(trust_level: int = 1, days: int = 30, **fields):
        return membership_factory(
            community,
            user=user_factory(),
            trust_level=trust_level,
            joined_at=timezone.now() - timedelta(days=days),
            **fields,
        ).user

    return make


@pytest.fixture
def proposer(make_voter):
    return make_voter(trust_level=2)


@pytest.fixture
def governed(community):
    return enable(community)


@pytest.fixture
def make_proposal(community, governed, proposer):
    def make(actor=None, *, text: str = NEW_RULES, title: str = "Credit photographers"):
        return services.proposal_create(
            actor=actor or actor_for(proposer, community),
            title=title,
            reason="Photos were reposted without names.",
            text=text,
        )

    return make


@pytest.fixture
def voters(make_voter):
    return [make_voter() for _ in range(3)]
