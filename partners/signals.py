"""A published operation deleted by any path (the admin, a script, a cascade) is withdrawn
first, so partners learn of the deletion from the removals feed."""

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from partners.models import OperationRemoval
from partners.publication import withdraw
from seizures.models import Operation


@receiver(pre_delete, sender=Operation, dispatch_uid="partners_withdraw_deleted_operation")
def withdraw_deleted_operation(sender, instance, **kwargs):
    withdraw(operation=instance, reason=OperationRemoval.Reason.DELETED)
