"""Who gets what from every URL of the project, as one table.

`TABLE` below names every URL pattern the URL conf holds (walked from the root resolver,
admin pages included) and says, for each of the six callers, what they get: the page, a
redirect to the login page, 401, 403, 404, 405, or (for a POST) the change done. A pattern
the table does not name fails `test_every_url_pattern_is_in_the_table`: a URL added without a
decision about who may use it breaks the build.

Each (URL, caller) is one test. Besides the status, every answer (error pages included,
with DEBUG off) is searched for what the caller must not see:

- detainees' names, unless the caller may see personal data (team members, keys with the
  personal-data scope); CSV exports never carry them;
- anything of the records partners must not get (an operation in review, a pending edit of
  a verified one, a rejected one, a merged one, the sources only they cite), for anonymous
  callers and partners' keys everywhere, and for everyone on the pages that show the
  verified data as partners get it (the API, the overview).

So that the searches mean something, the table also says what each caller must see (a team
member sees the names on the operation page; a key with the scope sees them in the API).

The records are made once for the module, in a transaction rolled back after its last test;
each test runs in a savepoint of it, so a POST that goes through is undone before the next.
"""

import dataclasses
import json
import traceback
from datetime import date
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import OperationRemoval, PublishedOperation
from seizures.models import (
    Detainee,
    DuplicateDecision,
    EvidenceItem,
    Operation,
    OperationMerge,
    Subdivision,
    VerifiedVersion,
)
from seizures.services import operation_merge, operation_reject, operation_update
from sources.extraction import get_extractor
from sources.ingestion import source_from_text, source_ingest
from sources.models import AttachedSource, Citation, FieldDecision, IngestBatch, Source
from sources.services import citation_create
from tests import factories
from tests.module_rows import rows_for_the_module
from tests.sources.fake_extractor import FakeExtractor, drug, proposal

# Marked as database tests, so that pytest-django runs them with the others that use the
# database, before the transactional tests (which leave the database empty behind them).
pytestmark = pytest.mark.django_db


FAKE_EXTRACTOR = "tests.sources.fake_extractor.FakeExtractor"

# --- The callers -----------------------------------------------------------------------------

ANONYMOUS, PARTNER, PARTNER_PERSONAL = "anonymous", "partner", "partner_personal"
EDITOR, REVIEWER, SUPERUSER = "editor", "reviewer", "superuser"
ROLES = [ANONYMOUS, PARTNER, PARTNER_PERSONAL, EDITOR, REVIEWER, SUPERUSER]
TEAM = frozenset({EDITOR, REVIEWER, SUPERUSER})
# Outside the team: never anything unverified.
OUTSIDERS = frozenset({ANONYMOUS, PARTNER, PARTNER_PERSONAL})
# May not see personal data.
NO_PERSONAL_DATA = frozenset({ANONYMOUS, PARTNER})
API_READERS = frozenset({PARTNER, PARTNER_PERSONAL, *TEAM})
PERSONAL_DATA = frozenset({PARTNER_PERSONAL, *TEAM})

# --- What is in the database ----------------------------------------------------------------

# Verified, published: partners see it; its detainee's name only with the personal-data scope.
VERIFIED_PLACE = "Muelle Verificado Callao"
VERIFIED_NAME = "Ximena Verifiedname"
VERIFIED_TEXT = (
    "Police seized 120 kilograms of cocaine at the Muelle Verificado Callao on Monday. "
    "Ximena Verifiedname, 34, was detained. The cargo was bound for Spain."
)
# Verified once, then edited: partners keep the verified version, never the edit.
EDITED_ORIGINAL_PLACE = "Paita Original Wharf"
PENDING_PLACE = "Pendingedit Harbour"
PENDING_NOTE = "PENDING-EDIT-NOTE-b71c"
PENDING_SOURCE_TITLE = "Pendingcite Gazette report"
# In review, drafted by the extractor from its source.
UNVERIFIED_PLACE = "Qwertyville Docks"
UNVERIFIED_NAME = "Zacarias Qwertyname"
UNVERIFIED_NOTE = "UNVERIFIED-NOTE-7f3a informant tip"
UNVERIFIED_GROUP = "Cartel Qwertyunverified"
VERIFIED_GROUP = "Cartel Qwertyverified"
UNVERIFIED_SOURCE_TITLE = "Qwertyville unpublished report"
UNVERIFIED_SENTENCES = [
    "Police seized 333 kilograms of cocaine at Qwertyville Docks on Thursday.",
    "Zacarias Qwertyname, 41, was detained.",
    "Cartel Qwertyunverified ran the shipment.",
]
UNCITED_SENTENCE = "The boat had left Guayaquil two days earlier."
UNVERIFIED_TEXT = " ".join([*UNVERIFIED_SENTENCES, UNCITED_SENTENCE])
# Verified once, edited, then rejected: withdrawn from partners.
REJECTED_PLACE = "Rejectedton Bay"
REJECTED_REASON = "REJECTED-REASON-5d2e a monthly total"
# In review, and another merged into it.
OTHER_PLACE = "Otherside Unverified Quay"
MERGED_PLACE = "Mergedaway Unverified Pier"

# Never to anyone outside the team, nor on pages of the verified data.
UNVERIFIED = [
    UNVERIFIED_PLACE,
    UNVERIFIED_NOTE,
    UNVERIFIED_GROUP,
    UNVERIFIED_SOURCE_TITLE,
    UNCITED_SENTENCE,
    *UNVERIFIED_NAME.split(),
    PENDING_PLACE,
    PENDING_NOTE,
    PENDING_SOURCE_TITLE,
    REJECTED_PLACE,
    REJECTED_REASON,
    OTHER_PLACE,
    MERGED_PLACE,
]
# Never to callers without the personal-data right; each word, as reports repeat surnames alone.
NAMES = [*VERIFIED_NAME.split(), *UNVERIFIED_NAME.split()]
WITHHELD = "[name withheld]"


@dataclasses.dataclass
class World:
    ids: dict
    sessions: dict  # role: session key
    keys: dict  # role: API key


def _install_fake_extractor():
    """The stand-in extractor proposes the operation in review from its source, and nothing
    from any other text (the sources pasted by the add-source POSTs)."""

    def script(text):
        if UNVERIFIED_SENTENCES[0] not in text:
            return []
        return [
            proposal(
                text,
                *UNVERIFIED_SENTENCES,
                date=date(2021, 5, 20),
                items=[drug(text, "333 kilograms", "cocaine", 333)],
                place=UNVERIFIED_PLACE,
                organization=UNVERIFIED_GROUP,
            )
        ]

    FakeExtractor.script = staticmethod(script)
    FakeExtractor.version = "1.0"
    get_extractor.cache_clear()


def _build_world() -> World:
    vera = factories.reviewer(username="vera")  # verifies the records below
    users = {
        EDITOR: factories.editor(username="eddie"),
        REVIEWER: factories.reviewer(username="rita"),
        SUPERUSER: factories.UserFactory(username="sue", is_superuser=True),
    }

    # Verified, with a named detainee, a quote naming her, and a title naming her.
    verified_source = factories.SourceFactory(
        title=f"{VERIFIED_NAME} held at the port", outlet="Diario Verificado", text=VERIFIED_TEXT
    )
    verified = factories.OperationFactory(
        place=VERIFIED_PLACE,
        latitude=Decimal("-12.05"),
        longitude=Decimal("-77.15"),
        summary="Port seizure.",
        criminal_group=factories.CriminalGroupFactory(name=VERIFIED_GROUP),
    )
    factories.EvidenceItemFactory(operation=verified)
    person = factories.DetaineeFactory(operation=verified, name=VERIFIED_NAME, age=34, sex="female", role="courier")
    factories.CitationFactory(operation=verified, source=verified_source, quote=VERIFIED_TEXT.split(". ")[0] + ".")
    factories.CitationFactory(
        operation=verified, source=verified_source, quote=f"{VERIFIED_NAME}, 34, was detained.", detainee=person
    )
    verified = factories.verify_checked(operation=verified, by=vera)

    # Verified, then edited (a new place, a note, a citation of a new source): in review again.
    edited = factories.verified_operation(by=vera, place=EDITED_ORIGINAL_PLACE, date_start=date(2021, 2, 14))
    edited.place, edited.summary = PENDING_PLACE, PENDING_NOTE
    operation_update(operation=edited, by=users[EDITOR])
    pending_source = factories.SourceFactory(title=PENDING_SOURCE_TITLE)
    citation_create(
        by=users[EDITOR],
        source=pending_source,
        operation=edited,
        quote="Police seized 120 kilograms of cocaine at the port on Monday.",
    )

    # Verified, edited, rejected: in the removals feed only.
    rejected = factories.verified_operation(by=vera, place=REJECTED_PLACE, date_start=date(2021, 3, 1))
    rejected.summary = "Counted twice?"
    operation_update(operation=rejected, by=users[EDITOR])
    operation_reject(operation=rejected, by=vera, reason=REJECTED_REASON)

    # In review, drafted from its source by the extractor, as ingestion does it.
    with override_settings(SOURCES_EXTRACTOR=FAKE_EXTRACTOR):
        _install_fake_extractor()
        try:
            ingested = source_ingest(
                by=None,
                source=source_from_text(
                    UNVERIFIED_TEXT, title=UNVERIFIED_SOURCE_TITLE, outlet="Qwerty Wire", language="en"
                ),
            )
        finally:
            get_extractor.cache_clear()
    unverified_source = ingested.source
    in_review = Operation.objects.get(citations__source=unverified_source)
    Operation.objects.filter(pk=in_review.pk).update(summary=UNVERIFIED_NOTE)
    suspect = factories.DetaineeFactory(operation=in_review, name=UNVERIFIED_NAME, age=41, sex="male")
    detainee_citation = citation_create(
        by=None, source=unverified_source, operation=in_review, quote=UNVERIFIED_SENTENCES[1], detainee=suspect
    )
    # Its fields decided by a reviewer the tests do not log in as: the others may verify it.
    in_review = factories.check(in_review, by=vera)

    # In review, with another merged into it.
    other = factories.cited_operation(place=OTHER_PLACE, date_start=date(2021, 6, 2))
    merged = factories.cited_operation(place=MERGED_PLACE, date_start=date(2021, 6, 3))
    operation_merge(survivor=other, duplicate=merged, by=vera, reason="Same event.")

    agency = factories.AgencyFactory()  # made here, so that it has a history
    batch = IngestBatch.objects.create(label="folder of May", created_by=users[REVIEWER])
    # On a user the tests do not log in as: a confirmed device makes a login without its code not enough.
    device = TOTPDevice.objects.create(user=vera, name="vera phone")
    lockout = {"user_agent": "curl", "ip_address": "10.0.0.9", "username": "mallory", "http_accept": "*/*"}
    attempt = AccessAttempt.objects.create(
        **lockout, path_info="/admin/login/", get_data="", post_data="username=mallory", failures_since_start=5
    )
    access_log = AccessLog.objects.create(**lockout, path_info="/admin/login/")
    failure_log = AccessFailureLog.objects.create(**lockout, path_info="/admin/login/", locked_out=True)
    group = in_review.criminal_group
    partner = factories.PartnerFactory(name="Observatorio Andino")
    plain_key, plain = factories.partner_api_key(partner=partner, personal_data=False)
    _, personal = factories.partner_api_key(partner=partner, personal_data=True)

    ids = {
        "u": in_review.pk,
        "v": verified.pk,
        "e": edited.pk,
        "r": rejected.pk,
        "o": other.pk,
        "m": merged.pk,
        "u_public": in_review.public_id,
        "v_public": verified.public_id,
        "e_public": edited.public_id,
        "r_public": rejected.public_id,
        "u_history": in_review.history.latest("history_id").history_id,
        "source_u": unverified_source.pk,
        "source_v": verified_source.pk,
        "source_pending": pending_source.pk,
        "source_u_history": unverified_source.history.latest("history_id").history_id,
        "citation_u": detainee_citation.pk,
        "citation_u_history": detainee_citation.history.latest("history_id").history_id,
        "country": "PE",
        "subdivision": Subdivision.objects.filter(country="PE", parent=None).order_by("pk").first().pk,
        "agency": agency.pk,
        "agency_history": agency.history.latest("history_id").history_id,
        "group": group.pk,
        "group_history": group.history.latest("history_id").history_id,
        "role_group": Group.objects.get(name="Reviewer").pk,
        "user": users[REVIEWER].pk,
        "partner": partner.pk,
        "key": quote(plain_key.pk),
        "operation_type": ContentType.objects.get_for_model(Operation).pk,
        "batch": batch.pk,
        "device": device.pk,
        "attempt": attempt.pk,
        "access_log": access_log.pk,
        "failure_log": failure_log.pk,
    }
    # One login per member of the team for the whole module: each test's client takes its cookie.
    sessions = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return World(ids=ids, sessions=sessions, keys={PARTNER: plain, PARTNER_PERSONAL: personal})


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with rows_for_the_module(django_db_blocker):
        yield _build_world()


@pytest.fixture(autouse=True)
def quiet_site(settings):
    """Error pages as production shows them; a stand-in extractor for the sources pasted by
    the POSTs; no throttling in the way of hundreds of requests per key."""
    settings.DEBUG = False
    settings.PARTNER_API_RATE = "100000/hour"
    settings.SOURCES_EXTRACTOR = FAKE_EXTRACTOR
    _install_fake_extractor()
    cache.clear()
    yield
    cache.clear()
    get_extractor.cache_clear()


def client_for(world: World, role: str) -> Client:
    # A 500 comes back as a response (its traceback is in the failure message), not raised.
    client = Client(raise_request_exception=False)
    if role in (PARTNER, PARTNER_PERSONAL):
        client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {world.keys[role]}"
    elif role in TEAM:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


# --- The table --------------------------------------------------------------------------------

OK = 200
LOGIN = "302 to the login page"
REDIRECT = "302 elsewhere"
DONE = "302, and the change made"
IGNORED = "200 or 302, and nothing changed"
REFUSED = "403 or 404"
UNAUTHORIZED, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 401, 403, 404, 405


def answers(outsiders, editor, reviewer, superuser, *, partners=None) -> dict:
    """What each caller gets. A partner's key means nothing outside the API: partners get
    what anonymous visitors get unless `partners` says otherwise."""
    partners = outsiders if partners is None else partners
    return {
        ANONYMOUS: outsiders,
        PARTNER: partners,
        PARTNER_PERSONAL: partners,
        EDITOR: editor,
        REVIEWER: reviewer,
        SUPERUSER: superuser,
    }


EVERYONE = answers(OK, OK, OK, OK)
ALL_REDIRECTED = answers(REDIRECT, REDIRECT, REDIRECT, REDIRECT)
TEAM_SEES = answers(LOGIN, OK, OK, OK)
TEAM_REDIRECTED = answers(LOGIN, REDIRECT, REDIRECT, REDIRECT)
TEAM_NOT_FOUND = answers(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND)
REVIEWERS_SEE = answers(LOGIN, FORBIDDEN, OK, OK)
SUPERUSERS_SEE = answers(LOGIN, FORBIDDEN, FORBIDDEN, OK)
SUPERUSERS_SEE_APP = answers(LOGIN, NOT_FOUND, NOT_FOUND, OK)
NOBODY = answers(LOGIN, REFUSED, REFUSED, REFUSED)
POST_ONLY = answers(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED)
TEAM_DOES = answers(LOGIN, DONE, DONE, DONE)
REVIEWERS_DO = answers(LOGIN, FORBIDDEN, DONE, DONE)
API = answers(UNAUTHORIZED, OK, OK, OK, partners=OK)
API_NOT_FOUND = answers(UNAUTHORIZED, NOT_FOUND, NOT_FOUND, NOT_FOUND, partners=NOT_FOUND)
API_BAD_REQUEST = answers(UNAUTHORIZED, 400, 400, 400, partners=400)
NOT_FOUND_FOR_ALL = answers(NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)


@dataclasses.dataclass(frozen=True)
class Row:
    route: str  # the URL pattern, as the resolver spells it
    url: str  # filled from World.ids
    expect: dict
    method: str = "GET"
    data: tuple = ()  # POST data, as (name, value) pairs; values filled from World.ids
    # The verified data as partners get it: nothing unverified, whoever asks.
    verified_only: bool = False
    # Never a name, whatever the caller's rights (CSV exports).
    never_names: bool = False
    # (callers, text) pairs: what those callers must find in the answer.
    shows: tuple = ()
    # A JSON answer's checks: (callers, key, value) where the decoded body[key] == value.
    json_equals: tuple = ()
    # (role, reason) pairs: a known bug of that case, which fails until it is fixed (strict xfail).
    known_bugs: tuple = ()


def admin_model(
    app_model: str,
    obj: str,
    *,
    changelist: dict,
    add: dict,
    change: dict,
    history: dict,
    delete: dict,
    version: str | None = None,
    version_page: dict | None = None,
    shows: tuple = (),
) -> list[Row]:
    """The pages Django's admin makes for one model; `obj` and `version` name World.ids."""
    base = f"admin/{app_model}/"
    rows = [
        Row(base, f"/admin/{app_model}/", changelist),
        Row(f"{base}add/", f"/admin/{app_model}/add/", add),
        Row(f"{base}<path:object_id>/history/", f"/admin/{app_model}/{{{obj}}}/history/", history),
        Row(f"{base}<path:object_id>/delete/", f"/admin/{app_model}/{{{obj}}}/delete/", delete),
        Row(f"{base}<path:object_id>/change/", f"/admin/{app_model}/{{{obj}}}/change/", change, shows=shows),
        # The bare object URL redirects to its change page, which then decides.
        Row(f"{base}<path:object_id>/", f"/admin/{app_model}/{{{obj}}}/", TEAM_REDIRECTED),
    ]
    if version is not None:
        rows.append(
            Row(
                f"{base}^([^/]+)/history/([^/]+)/$",
                f"/admin/{app_model}/{{{obj}}}/history/{{{version}}}/",
                version_page,
            )
        )
    return rows


OPERATION = "/admin/seizures/operation/{u}"
# Spelled with every app in the admin: a new one changes it, and needs a decision here.
APP_INDEX = "admin/^(?P<app_label>auth|axes|otp_totp|seizures|sources|partners)/$"

TABLE = [
    # --- Outside the admin ---
    Row("", "/", ALL_REDIRECTED),
    # For load balancers: up or down, and nothing else.
    Row("healthz", "/healthz", EVERYONE, verified_only=True, json_equals=((ROLES, "status", "ok"),)),
    Row(
        "overview/",
        "/overview/",
        TEAM_SEES,
        verified_only=True,
        shows=((TEAM, VERIFIED_PLACE), (TEAM, EDITED_ORIGINAL_PLACE)),
    ),
    # --- The partner API ---
    Row(
        "api/v1/operations/",
        "/api/v1/operations/",
        API,
        verified_only=True,
        shows=(
            (API_READERS, VERIFIED_PLACE),
            (API_READERS, EDITED_ORIGINAL_PLACE),
            (PERSONAL_DATA, VERIFIED_NAME),
            ({PARTNER}, WITHHELD),
        ),
    ),
    Row(
        "api/v1/operations/",
        "/api/v1/operations/?format=csv",
        API,
        verified_only=True,
        never_names=True,
        shows=((API_READERS, VERIFIED_PLACE), (API_READERS, EDITED_ORIGINAL_PLACE)),
    ),
    Row(
        "api/v1/operations/",
        "/api/v1/operations/?format=geojson",
        API,
        verified_only=True,
        shows=((API_READERS, VERIFIED_PLACE), (PERSONAL_DATA, VERIFIED_NAME)),
    ),
    Row(
        "api/v1/operations/",
        "/api/v1/operations/?ordering=modified&updated_since=2000-01-01T00:00:00Z&page_size=1",
        API,
        verified_only=True,
        shows=((API_READERS, '"next"'),),
    ),
    Row("api/v1/operations/", "/api/v1/operations/?date_from=not-a-date", API_BAD_REQUEST, verified_only=True),
    # Everything that matches, in one streamed file.
    Row(
        "api/v1/operations/export/",
        "/api/v1/operations/export/",
        API,
        verified_only=True,
        never_names=True,
        shows=((API_READERS, VERIFIED_PLACE), (API_READERS, EDITED_ORIGINAL_PLACE)),
    ),
    Row(
        "api/v1/operations/export/",
        "/api/v1/operations/export/?format=geojson",
        API,
        verified_only=True,
        shows=((API_READERS, VERIFIED_PLACE), (PERSONAL_DATA, VERIFIED_NAME), ({PARTNER}, WITHHELD)),
    ),
    Row("api/v1/operations/export/", "/api/v1/operations/export/?country=XX", API_BAD_REQUEST, verified_only=True),
    Row(
        "api/v1/operations/removed/",
        "/api/v1/operations/removed/",
        API,
        verified_only=True,
        shows=((API_READERS, "{r_public}"), (API_READERS, '"rejected"')),
    ),
    Row(
        "api/v1/operations/<uuid:public_id>/",
        "/api/v1/operations/{v_public}/",
        API,
        verified_only=True,
        shows=((API_READERS, VERIFIED_PLACE), (PERSONAL_DATA, VERIFIED_NAME), ({PARTNER}, WITHHELD)),
    ),
    # No CSV of one operation: a 400 naming `format`, once the key is known to be good.
    Row(
        "api/v1/operations/<uuid:public_id>/",
        "/api/v1/operations/{v_public}/?format=csv",
        API_BAD_REQUEST,
        verified_only=True,
        never_names=True,
        shows=((API_READERS, '"format"'),),
    ),
    Row(
        "api/v1/operations/<uuid:public_id>/",
        "/api/v1/operations/{e_public}/",
        API,
        verified_only=True,
        shows=((API_READERS, EDITED_ORIGINAL_PLACE),),
    ),
    Row("api/v1/operations/<uuid:public_id>/", "/api/v1/operations/{u_public}/", API_NOT_FOUND, verified_only=True),
    Row(
        "api/v1/operations/<uuid:public_id>/",
        "/api/v1/operations/{r_public}/",
        API_NOT_FOUND,
        verified_only=True,
        shows=((API_READERS, "rejected"),),
    ),
    Row(
        "api/v1/stats/",
        "/api/v1/stats/",
        API,
        verified_only=True,
        # The verified one and the edited one's verified version; 120 kg each.
        json_equals=((API_READERS, "operations", 2), (API_READERS, "detainees", 1)),
    ),
    Row(
        "api/v1/sources/",
        "/api/v1/sources/",
        API,
        verified_only=True,
        shows=((API_READERS, "Diario Verificado"), (PERSONAL_DATA, VERIFIED_NAME), ({PARTNER}, WITHHELD)),
    ),
    Row(
        "api/v1/sources/<int:id>/",
        "/api/v1/sources/{source_v}/",
        API,
        verified_only=True,
        shows=((API_READERS, "Diario Verificado"), (PERSONAL_DATA, "was detained"), ({PARTNER}, WITHHELD)),
    ),
    Row("api/v1/sources/<int:id>/", "/api/v1/sources/{source_u}/", API_NOT_FOUND, verified_only=True),
    Row("api/v1/sources/<int:id>/", "/api/v1/sources/{source_pending}/", API_NOT_FOUND, verified_only=True),
    Row("api/v1/agencies/", "/api/v1/agencies/", API, verified_only=True, shows=((API_READERS, '"PNP"'),)),
    Row(
        "api/v1/criminal-groups/",
        "/api/v1/criminal-groups/",
        API,
        shows=((API_READERS, VERIFIED_GROUP),),
    ),
    # Anything else under /api/v1/ is a JSON 404, before any key is asked for.
    Row("api/v1/", "/api/v1/no-such-endpoint/", NOT_FOUND_FOR_ALL, verified_only=True),
    Row("api/v1/", "/api/v1/operations/{u}/", NOT_FOUND_FOR_ALL, verified_only=True),
    Row("api/schema/", "/api/schema/", EVERYONE, verified_only=True, shows=((ROLES, "openapi"),)),
    Row("api/schema/", "/api/schema/?format=json", EVERYONE, verified_only=True, shows=((ROLES, "/api/v1/stats/"),)),
    Row("api/docs/", "/api/docs/", EVERYONE, verified_only=True, shows=((ROLES, "swagger"),)),
    # Writes to the API: refused to everyone.
    Row(
        "api/v1/operations/",
        "/api/v1/operations/",
        answers(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, partners=FORBIDDEN),
        method="POST",
        verified_only=True,
    ),
    # --- The admin site ---
    Row("admin/", "/admin/", TEAM_SEES),
    Row("admin/login/", "/admin/login/", answers(OK, REDIRECT, REDIRECT, REDIRECT)),
    # Logging out when not logged in goes to the index (and from there to the login page).
    Row("admin/logout/", "/admin/logout/", answers(REDIRECT, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED)),
    Row("admin/logout/", "/admin/logout/", answers(REDIRECT, OK, OK, OK), method="POST"),
    # Each member of the team turns their own two-factor login on or off.
    Row("admin/two-factor/", "/admin/two-factor/", TEAM_SEES),
    Row("admin/password_change/", "/admin/password_change/", TEAM_SEES),
    Row("admin/password_change/done/", "/admin/password_change/done/", TEAM_SEES),
    Row(
        "admin/autocomplete/",
        "/admin/autocomplete/?app_label=sources&model_name=citation&field_name=operation&term=Qwerty",
        TEAM_SEES,
        shows=((TEAM, UNVERIFIED_PLACE),),
    ),
    Row("admin/jsi18n/", "/admin/jsi18n/", TEAM_SEES),
    # Operations have no page outside the admin to send anyone to.
    Row("admin/r/<path:content_type_id>/<path:object_id>/", "/admin/r/{operation_type}/{v}/", TEAM_NOT_FOUND),
    # The index of each app: an app whose models the caller may not see is a 404.
    *(
        Row(APP_INDEX, f"/admin/{app}/", TEAM_SEES if app in ("seizures", "sources") else SUPERUSERS_SEE_APP)
        for app in ("auth", "axes", "otp_totp", "seizures", "sources", "partners")
    ),
    Row("admin/(?P<url>.*)$", "/admin/no-such-page/", TEAM_NOT_FOUND),
    # Users and roles: superusers only.
    *admin_model(
        "auth/group",
        "role_group",
        changelist=SUPERUSERS_SEE,
        add=SUPERUSERS_SEE,
        change=SUPERUSERS_SEE,
        history=SUPERUSERS_SEE,
        delete=SUPERUSERS_SEE,
    ),
    *admin_model(
        "auth/user",
        "user",
        changelist=SUPERUSERS_SEE,
        add=SUPERUSERS_SEE,
        change=SUPERUSERS_SEE,
        history=SUPERUSERS_SEE,
        delete=SUPERUSERS_SEE,
    ),
    Row("admin/auth/user/<id>/password/", "/admin/auth/user/{user}/password/", SUPERUSERS_SEE),
    # Operations: the team sees and edits them; nobody but a superuser deletes one.
    *admin_model(
        "seizures/operation",
        "u",
        changelist=TEAM_SEES,
        add=TEAM_SEES,
        change=TEAM_SEES,
        history=TEAM_SEES,
        delete=SUPERUSERS_SEE,
        version="u_history",
        version_page=TEAM_SEES,
        shows=((TEAM, UNVERIFIED_NAME), (TEAM, UNVERIFIED_PLACE), (TEAM, UNVERIFIED_NOTE)),
    ),
    Row(
        "admin/seizures/operation/",
        "/admin/seizures/operation/?status=all",
        TEAM_SEES,
        shows=((TEAM, UNVERIFIED_PLACE), (TEAM, VERIFIED_PLACE), (TEAM, REJECTED_PLACE)),
    ),
    Row(
        "admin/seizures/operation/<path:object_id>/change/",
        "/admin/seizures/operation/{v}/change/",
        TEAM_SEES,
        shows=((TEAM, VERIFIED_NAME), (TEAM, VERIFIED_PLACE)),
    ),
    Row("admin/seizures/operation/<path:object_id>/change/", "/admin/seizures/operation/{e}/change/", TEAM_SEES),
    Row(
        "admin/seizures/operation/<path:object_id>/change/",
        "/admin/seizures/operation/{r}/change/",
        TEAM_SEES,
        shows=((TEAM, REJECTED_REASON),),
    ),
    Row("admin/seizures/operation/<path:object_id>/change/", "/admin/seizures/operation/{m}/change/", TEAM_SEES),
    Row(
        "admin/seizures/operation/<path:object_id>/history/",
        "/admin/seizures/operation/{v}/history/",
        TEAM_SEES,
        shows=((TEAM, VERIFIED_NAME),),
    ),
    # The operation page's own tools: POST only.
    Row("admin/seizures/operation/<path:object_id>/cite/", f"{OPERATION}/cite/", POST_ONLY),
    Row(
        "admin/seizures/operation/<path:object_id>/cite/",
        f"{OPERATION}/cite/",
        TEAM_DOES,
        method="POST",
        data=(
            ("source", "{source_u}"),
            ("quote", UNCITED_SENTENCE),
            ("start", ""),
            ("supports", "operation"),
            ("field", ""),
        ),
    ),
    Row("admin/seizures/operation/<path:object_id>/add-source/", f"{OPERATION}/add-source/", POST_ONLY),
    Row(
        "admin/seizures/operation/<path:object_id>/add-source/",
        f"{OPERATION}/add-source/",
        TEAM_DOES,
        method="POST",
        data=(
            ("add-source-text", "Customs officers found 40 kilograms of cocaine in a lorry at the border."),
            ("add-source-url", "https://news.example.org/lorry"),
            ("add-source-kind", "article"),
            ("add-source-outlet", "Border Times"),
            ("add-source-title", "Lorry stopped"),
            ("add-source-published", "2021-05-21"),
        ),
    ),
    Row(
        "admin/seizures/operation/<path:object_id>/fields/<str:key>/<str:decision>/",
        f"{OPERATION}/fields/place/accept/",
        POST_ONLY,
    ),
    Row(
        "admin/seizures/operation/<path:object_id>/fields/<str:key>/<str:decision>/",
        f"{OPERATION}/fields/place/accept/",
        TEAM_DOES,
        method="POST",
        data=(("source", "{source_u}"),),
    ),
    Row(
        "admin/seizures/operation/<path:object_id>/fields/<str:key>/<str:decision>/",
        f"{OPERATION}/fields/place/reject/",
        TEAM_DOES,
        method="POST",
        data=(("source", "{source_u}"),),
    ),
    Row(
        "admin/seizures/operation/<path:object_id>/duplicates/<int:other_id>/<str:decision>/",
        f"{OPERATION}/duplicates/{{o}}/different/",
        POST_ONLY,
    ),
    Row(
        "admin/seizures/operation/<path:object_id>/duplicates/<int:other_id>/<str:decision>/",
        f"{OPERATION}/duplicates/{{o}}/different/",
        REVIEWERS_DO,
        method="POST",
    ),
    # "Same event" leads to the merge page, which asks which parts are the same.
    Row(
        "admin/seizures/operation/<path:object_id>/duplicates/<int:other_id>/<str:decision>/",
        f"{OPERATION}/duplicates/{{o}}/merge/",
        answers(LOGIN, FORBIDDEN, REDIRECT, REDIRECT),
        method="POST",
    ),
    Row("admin/seizures/operation/<path:object_id>/merge/<int:other_id>/", f"{OPERATION}/merge/{{o}}/", REVIEWERS_SEE),
    Row(
        "admin/seizures/operation/<path:object_id>/merge/<int:other_id>/",
        f"{OPERATION}/merge/{{o}}/",
        REVIEWERS_DO,
        method="POST",
        data=(("reason", "Same event."),),
    ),
    Row(
        "admin/seizures/operation/<path:object_id>/transition/<str:action>/",
        f"{OPERATION}/transition/verify/",
        POST_ONLY,
    ),
    Row(
        "admin/seizures/operation/<path:object_id>/transition/<str:action>/",
        f"{OPERATION}/transition/verify/",
        REVIEWERS_DO,
        method="POST",
    ),
    Row(
        "admin/seizures/operation/<path:object_id>/transition/<str:action>/",
        f"{OPERATION}/transition/reject/",
        REVIEWERS_DO,
        method="POST",
        data=(("reason", "Not a seizure: a yearly total."),),
    ),
    Row(
        "admin/seizures/operation/<path:object_id>/transition/<str:action>/",
        "/admin/seizures/operation/{m}/transition/unmerge/",
        REVIEWERS_DO,
        method="POST",
    ),
    # Merging from the queue (an action, leading to the merge page): reviewers only; an
    # editor's POST changes nothing.
    Row(
        "admin/seizures/operation/",
        "/admin/seizures/operation/?status=all",
        answers(LOGIN, IGNORED, REDIRECT, REDIRECT),
        method="POST",
        data=(
            ("action", "merge_selected"),
            ("index", "0"),
            ("_selected_action", "{u}"),
            ("_selected_action", "{o}"),
            ("survivor", "{u}"),
            ("confirm", "yes"),
            ("reason", "Same event."),
        ),
    ),
    # Reference data: the team reads it; reviewers keep agencies, the team criminal groups.
    *admin_model(
        "seizures/country",
        "country",
        changelist=TEAM_SEES,
        add=SUPERUSERS_SEE,
        change=TEAM_SEES,
        history=TEAM_SEES,
        delete=SUPERUSERS_SEE,
    ),
    *admin_model(
        "seizures/subdivision",
        "subdivision",
        changelist=TEAM_SEES,
        add=SUPERUSERS_SEE,
        change=TEAM_SEES,
        history=TEAM_SEES,
        delete=SUPERUSERS_SEE,
    ),
    *admin_model(
        "seizures/agency",
        "agency",
        changelist=TEAM_SEES,
        add=REVIEWERS_SEE,
        change=TEAM_SEES,
        history=TEAM_SEES,
        delete=SUPERUSERS_SEE,
        version="agency_history",
        version_page=TEAM_SEES,
    ),
    *admin_model(
        "seizures/criminalgroup",
        "group",
        changelist=TEAM_SEES,
        add=TEAM_SEES,
        change=TEAM_SEES,
        history=TEAM_SEES,
        delete=SUPERUSERS_SEE,
        version="group_history",
        version_page=TEAM_SEES,
    ),
    # Sources and citations.
    *admin_model(
        "sources/source",
        "source_u",
        changelist=TEAM_SEES,
        add=TEAM_SEES,
        change=TEAM_SEES,
        history=TEAM_SEES,
        delete=SUPERUSERS_SEE,
        version="source_u_history",
        version_page=TEAM_SEES,
        shows=((TEAM, UNVERIFIED_NAME), (TEAM, UNVERIFIED_SOURCE_TITLE)),
    ),
    *admin_model(
        "sources/citation",
        "citation_u",
        changelist=TEAM_SEES,
        add=TEAM_SEES,
        change=TEAM_SEES,
        history=TEAM_SEES,
        delete=TEAM_SEES,
        version="citation_u_history",
        version_page=TEAM_SEES,
        shows=((TEAM, UNVERIFIED_NAME),),
    ),
    # Batches of files ingested by workers: the team follows them; nobody adds one here.
    *admin_model(
        "sources/ingestbatch",
        "batch",
        changelist=TEAM_SEES,
        add=answers(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        change=TEAM_SEES,
        history=TEAM_SEES,
        delete=SUPERUSERS_SEE,
    ),
    # Login attempts and lock-outs (usernames, addresses): superusers only; made by logins alone.
    *(
        row
        for model, obj in (
            ("accessattempt", "attempt"),
            ("accesslog", "access_log"),
            ("accessfailurelog", "failure_log"),
        )
        for row in admin_model(
            f"axes/{model}",
            obj,
            changelist=SUPERUSERS_SEE,
            add=answers(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
            change=SUPERUSERS_SEE,
            history=SUPERUSERS_SEE,
            delete=SUPERUSERS_SEE,
        )
    ),
    # Two-factor devices, and their secrets: superusers only.
    *admin_model(
        "otp_totp/totpdevice",
        "device",
        changelist=SUPERUSERS_SEE,
        add=SUPERUSERS_SEE,
        change=SUPERUSERS_SEE,
        history=SUPERUSERS_SEE,
        delete=SUPERUSERS_SEE,
    ),
    # A device's secret and QR code: nobody, superusers included (OTP_ADMIN_HIDE_SENSITIVE_DATA);
    # a missing device is refused the same way, not a crash.
    *(
        Row(f"admin/otp_totp/totpdevice/<int:pk>/{page}/", f"/admin/otp_totp/totpdevice/{device}/{page}/", NOBODY)
        for page in ("config", "qrcode")
        for device in ("{device}", "999999")
    ),
    # Partners and their keys: superusers only.
    *admin_model(
        "partners/partner",
        "partner",
        changelist=SUPERUSERS_SEE,
        add=SUPERUSERS_SEE,
        change=SUPERUSERS_SEE,
        history=SUPERUSERS_SEE,
        delete=SUPERUSERS_SEE,
    ),
    *admin_model(
        "partners/partnerapikey",
        "key",
        changelist=SUPERUSERS_SEE,
        add=SUPERUSERS_SEE,
        change=SUPERUSERS_SEE,
        history=SUPERUSERS_SEE,
        delete=SUPERUSERS_SEE,
    ),
]


# --- Walking the URL conf ---------------------------------------------------------------------


def url_patterns(patterns=None, prefix: str = "") -> list[str]:
    """Every URL pattern under `patterns` (the project's URL conf by default), each spelled
    as the concatenation of its resolvers' patterns and its own."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    found = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += url_patterns(entry.url_patterns, route)
        else:
            assert isinstance(entry, URLPattern), entry
            found.append(route)
    return found


def unclassified(routes) -> list[str]:
    classified = {row.route for row in TABLE}
    return sorted(set(routes) - classified)


def test_every_url_pattern_is_in_the_table():
    missing = unclassified(url_patterns())
    assert not missing, (
        "These URL patterns are not in TABLE (tests/test_url_permissions.py); add a row saying what "
        "each caller may get from them:\n  " + "\n  ".join(missing)
    )


def test_the_table_names_only_url_patterns_that_exist():
    stale = sorted({row.route for row in TABLE} - set(url_patterns()))
    assert not stale, "TABLE names URL patterns the URL conf no longer has:\n  " + "\n  ".join(stale)


def test_a_new_url_without_a_decision_is_reported():
    from config.urls import urlpatterns

    def new_view(request):
        return HttpResponse("ok")

    routes = url_patterns([*urlpatterns, path("new-endpoint/", new_view)])

    assert "new-endpoint/" in unclassified(routes)
    assert "new-endpoint/" not in unclassified(url_patterns())


def test_every_row_says_what_each_caller_gets():
    for row in TABLE:
        assert set(row.expect) == set(ROLES), row.url
        for callers, *_ in (*row.shows, *row.json_equals):
            assert set(callers) <= set(ROLES), row.url


# --- The world the table assumes -------------------------------------------------------------


def test_the_records_are_in_the_states_the_table_assumes(world, db):
    ids = world.ids
    status = dict(Operation.objects.values_list("pk", "status"))
    assert status[ids["v"]] == Operation.Status.VERIFIED
    assert status[ids["e"]] == Operation.Status.NEEDS_REVIEW
    assert status[ids["u"]] == Operation.Status.NEEDS_REVIEW
    assert status[ids["r"]] == Operation.Status.REJECTED
    assert status[ids["o"]] == Operation.Status.NEEDS_REVIEW
    assert status[ids["m"]] == Operation.Status.MERGED
    # Published: the verified one, and the edited one as it was verified.
    published = {row.public_id: json.loads(row.document)["place"] for row in PublishedOperation.objects.all()}
    assert published == {ids["v_public"]: VERIFIED_PLACE, ids["e_public"]: EDITED_ORIGINAL_PLACE}
    assert OperationRemoval.objects.filter(public_id=ids["r_public"], reason="rejected").exists()
    assert Operation.objects.get(pk=ids["e"]).place == PENDING_PLACE
    # The operation in review: drafted from its source, with a named detainee and its group.
    in_review = Operation.objects.get(pk=ids["u"])
    assert (in_review.place, in_review.summary) == (UNVERIFIED_PLACE, UNVERIFIED_NOTE)
    assert in_review.criminal_group.name == UNVERIFIED_GROUP
    assert Detainee.objects.filter(operation=in_review, name=UNVERIFIED_NAME).exists()
    assert EvidenceItem.objects.filter(operation=in_review, quantity_kg=333).exists()
    assert in_review.proposals.exists()
    assert Detainee.objects.filter(operation_id=ids["v"], name=VERIFIED_NAME).exists()
    assert Source.objects.get(pk=ids["source_u"]).title == UNVERIFIED_SOURCE_TITLE


# --- Every URL, every caller -----------------------------------------------------------------


def _state() -> tuple:
    """What the POSTs in the table could change."""
    operations = Operation.objects.order_by("pk").values_list(
        "pk", "status", "version", "place", "merged_into", "rejection_reason", "verified_version", "last_edited_by"
    )
    counted = [
        Source,
        Citation,
        AttachedSource,
        FieldDecision,
        Detainee,
        EvidenceItem,
        VerifiedVersion,
        PublishedOperation,
        OperationRemoval,
    ]
    return (
        list(operations),
        [model.objects.count() for model in counted],
        list(OperationMerge.objects.order_by("pk").values_list("pk", "undone_at")),
        list(DuplicateDecision.objects.order_by("pk").values_list("first", "second", "same")),
        # Who decided what: a decision taken again by someone else is a change.
        list(FieldDecision.objects.order_by("pk").values_list("field", "decision", "decided_by")),
    )


def _fill(value, ids):
    return value.format(**ids) if isinstance(value, str) else value


def _post_data(row: Row, ids) -> dict:
    data = {}
    for name, value in row.data:
        data.setdefault(name, []).append(_fill(value, ids))
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    return headers + "\n\n" + content.decode("utf-8", errors="replace")


def _describe(response, url, role) -> str:
    where = f"{response.request['REQUEST_METHOD']} {url} as {role}: {response.status_code}"
    if response.get("Location"):
        where += f" to {response['Location']}"
    if getattr(response, "exc_info", None):
        where += "\n" + "".join(traceback.format_exception(*response.exc_info))
    return where


def _check_status(response, expected, url, role, changed: bool | None):
    location = response.get("Location", "")
    to_login = response.status_code == 302 and location.startswith("/admin/login/")
    described = _describe(response, url, role)
    if expected == LOGIN:
        assert to_login, f"expected a redirect to the login page; {described}"
    elif expected in (REDIRECT, DONE):
        assert response.status_code == 302 and not to_login, f"expected {expected}; {described}"
    elif expected == IGNORED:
        assert response.status_code in (200, 302) and not to_login, f"expected {expected}; {described}"
    elif expected == REFUSED:
        assert response.status_code in (403, 404), f"expected {expected}; {described}"
    else:
        assert response.status_code == expected, f"expected {expected}; {described}"
    if changed is None:
        return
    if expected == DONE:
        assert changed, f"the POST was let through but changed nothing (bad test data?); {described}"
    elif expected != OK and expected != REDIRECT:
        assert not changed, f"a refused POST changed the database; {described}"


def _found(text: str, needles) -> list[str]:
    return [needle for needle in needles if needle in text]


def _cases():
    for row in TABLE:
        for role in ROLES:
            marks = [pytest.mark.xfail(strict=True, reason=reason) for who, reason in row.known_bugs if who == role]
            yield pytest.param(row, role, id=f"{row.method} {row.url} as {role}", marks=marks)


@pytest.mark.parametrize(("row", "role"), list(_cases()))
def test_what_each_caller_gets(world, db, row, role):
    ids = world.ids
    client = client_for(world, role)
    url = row.url.format(**ids)
    before = _state() if row.method == "POST" else None

    if row.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, _post_data(row, ids))

    changed = None if before is None else _state() != before
    text = _body(response)
    described = _describe(response, url, role)
    # What the answer holds is checked first: it matters most, whatever the status.
    if role in OUTSIDERS or row.verified_only:
        leaked = _found(text, UNVERIFIED)
        assert not leaked, f"unverified data {leaked} in the answer to {described}\n{text[:3000]}"
    if role in NO_PERSONAL_DATA or row.never_names:
        leaked = _found(text, NAMES)
        assert not leaked, f"detainees' names {leaked} in the answer to {described}\n{text[:3000]}"
    _check_status(response, row.expect[role], url, role, changed)
    for callers, needle in row.shows:
        if role in callers:
            needle = needle.format(**ids)
            assert needle in text, f"{needle!r} missing from the answer to {described}\n{text[:3000]}"
    for callers, key, value in row.json_equals:
        if role in callers:
            assert json.loads(response.content)[key] == value, described


# --- A server error shows nothing ------------------------------------------------------------


def _crash(*args, **kwargs):
    raise RuntimeError(f"crashed over {UNVERIFIED_NAME} at {UNVERIFIED_PLACE}")


@pytest.mark.parametrize(
    ("role", "url", "target"),
    [
        (REVIEWER, "/admin/seizures/operation/{u}/change/", "seizures.admin.operations.OperationAdmin._review_context"),
        (PARTNER_PERSONAL, "/api/v1/stats/", "partners.api.views.StatsView.get"),
        (PARTNER, "/api/v1/operations/{v_public}/", "partners.api.views.OperationDetail.get"),
    ],
)
def test_a_server_error_shows_neither_personal_nor_unverified_data(world, db, monkeypatch, role, url, target):
    """A view that fails with the record's data in its error message: with DEBUG off the
    answer is the bare 500 page, without the message or a traceback."""
    monkeypatch.setattr(target, _crash)
    url = url.format(**world.ids)

    response = client_for(world, role).get(url)

    assert response.status_code == 500
    assert response.exc_info is not None and "crashed over" in str(response.exc_info[1])
    text = _body(response)
    assert not _found(text, [*UNVERIFIED, *NAMES, "crashed over", "Traceback", "RuntimeError"]), text
