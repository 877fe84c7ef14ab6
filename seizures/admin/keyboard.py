"""Keyboard use of the review page. (Filled in by the keyboard work; a hook for the operation admin.)"""


def keyboard_context(request, operation) -> dict:
    """Extra context for the operation page (e.g. the previous and next records of the queue)."""
    return {}
