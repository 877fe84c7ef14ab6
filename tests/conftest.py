import pytest

from tests import factories


@pytest.fixture
def reviewer(db):
    return factories.reviewer(username="rita")


@pytest.fixture
def second_reviewer(db):
    return factories.reviewer(username="raul")


@pytest.fixture
def editor(db):
    return factories.editor(username="eddie")


@pytest.fixture
def operation(db):
    """An operation in review with an item and a citation, ready to verify."""
    return factories.cited_operation()
