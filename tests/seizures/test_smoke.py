from seizures.models import Operation
from tests import factories


def test_a_reviewer_verifies_a_cited_machine_draft(operation, reviewer):
    factories.verify_checked(operation=operation, by=reviewer)
    operation.refresh_from_db()
    assert operation.status == Operation.Status.VERIFIED
    assert operation.verified_version.data["evidence_items"][0]["quantity_kg"] == "120"
