import pytest

from hearth.communities.models import RulesVersion
from hearth.demo import build_demo
from hearth.governance import services
from hearth.governance.models import Proposal, ProposalStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_adopted_proposal_in_the_history_and_an_open_one():
    lumen = build_demo(members=30, days=60, seed=3)
    adopted, still_open = Proposal.objects.filter(community=lumen).order_by("opened_at")
    assert adopted.status == ProposalStatus.ADOPTED
    assert adopted.yes_count > adopted.no_count and adopted.ballots_total >= 3
    version = RulesVersion.objects.get(community=lumen, version=2)
    assert version.proposal == adopted and "Credit the photographer" in version.text
    assert still_open.status == ProposalStatus.OPEN and still_open.base_version == 2
    assert 0 < services.count_ballots(still_open).ballots < still_open.electorate_size
    assert still_open.topic is not None and adopted.topic is not None
