import random

from hearth.recognition import demo
from hearth.recognition.models import Badge, BadgeGrant, Feature, ReputationScore, Spotlight


def test_populate_gives_badges_spotlight_and_features(
    community, owner, member, newcomer, topic, event
):
    event("post.react", newcomer, member)
    demo.populate(community, owner, [member, newcomer], random.Random(4))
    assert Badge.objects.filter(community=community, code="").count() == 2
    assert BadgeGrant.objects.filter(badge__code="").count() == 4
    assert Spotlight.objects.filter(community=community, ended_at__isnull=True).count() == 1
    assert Feature.objects.filter(community=community, topic=topic).exists()
    assert BadgeGrant.objects.filter(badge__code="first-post", user=member).exists()
    assert ReputationScore.objects.get(user=member).points == 1
