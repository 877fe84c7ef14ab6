import pytest

from tests import factories


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Factories give every user a password; the production hasher costs ~0.2 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def operation(db):
    """An operation in review with an item and a citation, ready to verify."""
    return factories.cited_operation()
