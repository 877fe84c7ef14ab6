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


def pytest_collection_modifyitems(config, items):
    """A transactional test empties the database when it ends; one that does not restore the
    reference data migrations loaded (countries, agencies, roles...) leaves the tests after it
    without them. Refuse such a test at collection, rather than let later tests fail."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", ())
        transactional = (marker and marker.kwargs.get("transaction")) or {"live_server", "transactional_db"} & set(
            fixtures
        )
        if transactional and not (marker and marker.kwargs.get("serialized_rollback")):
            raise pytest.UsageError(
                f"{item.nodeid}: a transactional test must also say serialized_rollback=True, "
                "or the tests after it run without the reference data."
            )
