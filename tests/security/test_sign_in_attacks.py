"""Signing in under attack: open redirects through `next`, account enumeration (by the
messages and by the time an answer takes) and password guessing.

Decisions (SECURITY.md says the same):
- Failed sign-ins count per account *and client IP*, and per IP across accounts. A
  guesser locks only their own address out of an account: the owner signs in from
  anywhere else at once, and from the guesser's address once the window has passed.
- Sign-up must say that an email is taken (there is no email verification to hide it
  behind), so sign-up is throttled per IP: nobody can test addresses in bulk.
"""

from __future__ import annotations

import statistics
import time
from urllib.parse import urljoin, urlsplit

import pytest

from finucity.services import accounts, security
from finucity.services.context import Actor
from finucity.services.errors import AuthenticationError, RateLimited
from tests.api.conftest import PASSWORD, assert_error
from tests.support.waiting import wait_until

# --- open redirect -----------------------------------------------------------------------------

EVIL_NEXT = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https:evil.example",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "/%2f%5cevil.example",
    "/%5Cevil.example",
    "/%09/evil.example",
    "%252F%252Fevil.example",
    "/login?next=//evil.example",
    "/\u3002/evil.example",
]


def leaves_the_site(location: str, base: str = "http://testserver/login") -> bool:
    """Where a browser would go: it drops tabs and newlines, trims spaces and reads `\\` as `/`."""
    cleaned = location.strip(" \x00\x1f").replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    target = urlsplit(urljoin(base, cleaned))
    return target.scheme not in ("http", "https") or target.netloc != "testserver"


@pytest.mark.parametrize("candidate", EVIL_NEXT)
def test_next_never_points_off_the_site(candidate):
    safe = security.safe_next_path(candidate)
    assert not leaves_the_site(safe), safe


@pytest.mark.parametrize("candidate", EVIL_NEXT)
async def test_the_sign_in_form_redirects_only_within_the_site(sqlite_database, api, candidate):
    user = await api.signup()
    for password in (PASSWORD, "a wrong password"):  # success, and back to the form
        response = await api.client().post(
            "/auth/login",
            data={"email": user.email, "password": password, "next": candidate},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert not leaves_the_site(response.headers["location"]), response.headers["location"]


def test_the_check_catches_a_redirect_elsewhere():
    assert leaves_the_site("//evil.example") and leaves_the_site("/\\evil.example")
    assert not leaves_the_site("/chat/123?x=1")


# --- enumeration --------------------------------------------------------------------------------


async def test_unknown_email_and_wrong_password_take_the_same_time(sqlite_database, api):
    """Sign-in verifies a password hash even for an unknown email. Means of N tries each,
    interleaved, compared with a generous factor: a missing hash check is ~100x faster."""
    user = await api.signup()
    tries = 6

    async def timed(email: str) -> float:
        started = time.perf_counter()
        with pytest.raises(AuthenticationError):
            await accounts.sign_in(Actor(channel="api", ip=f"198.51.100.{i}"), email=email, password="wrong guess 1")
        return time.perf_counter() - started

    unknown, wrong = [], []
    for i in range(tries):  # each try from its own address: throttling stays out of the way
        unknown.append(await timed(f"nobody-{i}@example.com"))
        wrong.append(await timed(user.email))
    ratio = statistics.mean(unknown) / statistics.mean(wrong)
    assert 1 / 3 < ratio < 3, (
        f"unknown email {statistics.mean(unknown):.4f}s, wrong password {statistics.mean(wrong):.4f}s"
    )


async def test_sign_in_answers_the_same_for_unknown_and_known_accounts_even_when_throttled(
    sqlite_database, api, settings_env
):
    settings_env(LOGIN_LIMIT_ACCOUNT="2/15 minutes")
    user = await api.signup()
    answers = {}
    for email in (user.email, "nobody@example.com"):
        client = api.client()
        seen = []
        for _ in range(3):
            response = await client.post("/api/auth/login", json={"email": email, "password": "wrong guess 12"})
            seen.append((response.status_code, response.json()["error"]))
        answers[email] = seen
    assert answers[user.email] == answers["nobody@example.com"]


async def test_sign_up_says_an_email_is_taken_but_is_throttled_per_ip(sqlite_database, api, settings_env):
    user = await api.signup()
    settings_env(LOGIN_LIMIT_IP="3/15 minutes")
    client = api.client()
    answers = []
    for _ in range(4):
        response = await client.post(
            "/api/auth/signup", json={"email": user.email, "password": PASSWORD, "full_name": "Prober"}
        )
        answers.append(response.status_code)
    assert answers == [409, 409, 409, 429]
    assert_error(response, 429)


# --- brute force ----------------------------------------------------------------------------------

ATTACKER = Actor(channel="api", ip="203.0.113.66")
OWNER_ELSEWHERE = Actor(channel="api", ip="198.51.100.7")


async def _lock_out(email: str) -> None:
    for _ in range(3):
        with pytest.raises(AuthenticationError):
            await accounts.sign_in(ATTACKER, email=email, password="guessing guess")
    with pytest.raises(RateLimited):
        await accounts.sign_in(ATTACKER, email=email, password=PASSWORD)  # even the right one, from there


async def test_a_guesser_cannot_lock_the_owner_out_from_another_address(sqlite_database, api, settings_env):
    settings_env(LOGIN_LIMIT_ACCOUNT="3/15 minutes")
    user = await api.signup()
    await _lock_out(user.email)
    assert (await accounts.sign_in(OWNER_ELSEWHERE, email=user.email, password=PASSWORD)).user.email == user.email


async def test_the_lock_ends_when_the_window_has_passed(sqlite_database, api, settings_env):
    settings_env(LOGIN_LIMIT_ACCOUNT="3/6 seconds")
    user = await api.signup()
    await _lock_out(user.email)

    async def signs_in() -> bool:
        try:
            return bool(await accounts.sign_in(ATTACKER, email=user.email, password=PASSWORD))
        except RateLimited:
            return False

    await wait_until(signs_in, timeout=30, what="the lock to end")


async def test_one_address_guessing_across_accounts_is_throttled(sqlite_database, api, settings_env):
    settings_env(LOGIN_LIMIT_IP="4/15 minutes")
    for i in range(4):
        with pytest.raises(AuthenticationError):
            await accounts.sign_in(ATTACKER, email=f"person{i}@example.com", password="guessing guess")
    with pytest.raises(RateLimited):
        await accounts.sign_in(ATTACKER, email="person9@example.com", password="guessing guess")
    # Another address is not affected.
    with pytest.raises(AuthenticationError):
        await accounts.sign_in(OWNER_ELSEWHERE, email="person9@example.com", password="guessing guess")
