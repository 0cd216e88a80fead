"""The key that stands for a voter on their ballot: a keyed hash of the proposal and the
user, so a ballot can be found again by its voter (to change it, or to refuse a second
one) and by no one else. The key changes with ``SECRET_KEY``: rotating it during a vote
would let members vote again, so rotate it between votes."""

from django.utils.crypto import salted_hmac


def voter_key(proposal_id: int, user_id: int) -> str:
    return salted_hmac("hearth.governance.ballot", f"{proposal_id}:{user_id}").hexdigest()
