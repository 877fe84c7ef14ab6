"""The admin is where reviewers and editors work: the review queue is the Operation
changelist, and the operation page shows the record beside its sources' text.

Every state change goes through `seizures.services`; this module only turns clicks into
calls and the services' errors into messages.
"""

from seizures.admin import operations, reference  # noqa: F401  (registers the admin classes)
