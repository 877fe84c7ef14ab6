"""Publication kept in step with changes made by any path (the admin, a script, a cascade):

- a published operation deleted is withdrawn first, so partners learn of the deletion from
  the removals feed;
- a detainee given a name (typed by a reviewer, or drafted by the extractor) has it withheld
  at once from what is published of the reports citing them: the other operations' quotes
  and source titles, and the sources themselves, whose text names that person too.
"""

from django.db import transaction
from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver

from partners.models import OperationRemoval
from partners.publication import withdraw, withhold_new_names
from seizures.models import Detainee, Operation


@receiver(pre_delete, sender=Operation, dispatch_uid="partners_withdraw_deleted_operation")
def withdraw_deleted_operation(sender, instance, **kwargs):
    withdraw(operation=instance, reason=OperationRemoval.Reason.DELETED)


@receiver(pre_save, sender=Detainee, dispatch_uid="partners_note_the_name_before")
def note_the_name_before(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None and instance.name:
        instance._name_before = Detainee.objects.filter(pk=instance.pk).values_list("name", "operation_id").first()


@receiver(post_save, sender=Detainee, dispatch_uid="partners_withhold_a_new_name")
def withhold_a_new_name(sender, instance, raw=False, **kwargs):
    # A name new or changed, or a named person moved to another operation (a merge, or its
    # undoing), whose reports may name them too.
    if raw or not instance.name or getattr(instance, "_name_before", None) == (instance.name, instance.operation_id):
        return
    sources = set(instance.operation.citations.values_list("source_id", flat=True))
    with transaction.atomic():
        # Rendered from their verified versions as ever: only what is withheld changes.
        withhold_new_names(sources, [instance.name])
