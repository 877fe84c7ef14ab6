"""Rows made once for all the tests of a module, as Django's TestCase.setUpTestData makes them
for a class, for a module-scoped fixture:

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker):
        with rows_for_the_module(django_db_blocker):
            yield build_world()

They are made in a transaction rolled back after the module's last test; each test's `db`
transaction nests in it (a savepoint), so a test's own changes go with it."""

import contextlib

from django.db import transaction
from django.test import override_settings


@contextlib.contextmanager
def rows_for_the_module(django_db_blocker, **settings):
    """With `settings` overridden while the rows are made, and always the fast password hasher
    (tests/conftest.py sets it for each test, which is too late for these rows)."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], **settings),
        transaction.atomic(),
    ):
        try:
            yield
        finally:
            transaction.set_rollback(True)
