from seizures.models import Operation
from seizures.services import operation_verify


def test_a_reviewer_verifies_a_cited_machine_draft(operation, reviewer):
    operation_verify(operation=operation, by=reviewer)
    operation.refresh_from_db()
    assert operation.status == Operation.Status.VERIFIED
    assert operation.verified_version.data["evidence_items"][0]["quantity_kg"] == "120"
