"""How history reads on the admin's history pages."""

from decimal import Decimal

from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper


class HistoryDisplay(HistoricalRecordContextHelper):
    """History diffs as a reviewer reads them: choice labels rather than codes, an empty
    value as a dash rather than "Deleted user (pk=None)", quantities without trailing zeros."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(value, DeletedObject) and value.pk is None:
            return "–"
        if value in (None, ""):
            return "–"
        if field.choices and not field.many_to_many:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return super().prepare_delta_change_value(change, value)


def plain_value(value):
    """A history value for display: quantities without trailing zeros."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value
