import random

from hearth.members import demo
from hearth.members.models import Follow, MemberInterest, MemberProfile, ProfileAnswer
from hearth.testing.factories import membership_factory


def test_populate_gives_varied_profiles_through_the_services(community, banned):
    people = [membership_factory(community).user for _ in range(12)] + [banned]
    demo.populate(community, people, random.Random(3))
    profiles = MemberProfile.objects.filter(community=community, user__in=people[:12])
    assert MemberInterest.objects.filter(profile__in=profiles).count() >= 12
    assert ProfileAnswer.objects.filter(profile__in=profiles).exists()
    assert Follow.objects.filter(community=community).exists()
    assert len({p.location for p in profiles}) > 2
    assert not MemberInterest.objects.filter(profile__user=banned).exists()
