"""Editors' tools on the operation page: citing a selection of a displayed source, and adding
a source beside the operation. (Filled in by the citing work; hooks for the operation admin.)"""


def citing_urls(model_admin) -> list:
    """URL patterns the operation admin adds under <id>/."""
    return []


def citing_context(request, operation) -> dict:
    """Extra context for the operation page."""
    return {}
