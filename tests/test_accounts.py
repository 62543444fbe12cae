"""Accounts (issue 17): roles, password logins, sessions, API tokens, and the web's write rule,
including the security cases: anonymous and reader writes, CSRF-less posts, disabled users'
tokens, session fixation and login brute force."""

from __future__ import annotations

import re
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from opis.accounts import MAX_USER_FAILURES, AccountError, LoginRefused, TooManyAttempts
from opis.archive import Archive
from opis.errors import StoreError
from opis.web import create_app

PASSWORDS = {"ada": "ada-admin-password", "eve": "eve-editor-password", "rex": "rex-reader-password"}
RENAME = {"kind": "entity.rename", "args": {"id": "place:tacheng", "label": "Tacheng (Chuguchak)"}}


@pytest.fixture()
def db(seed_copy):
    path = seed_copy
    with Archive(path) as archive:
        archive.add_user("ada", "admin", PASSWORDS["ada"])
        archive.add_user("eve", "editor", PASSWORDS["eve"])
        archive.add_user("rex", "reader", PASSWORDS["rex"])
    return str(path)


@pytest.fixture()
def app(db):
    return create_app(db, allow_write=True)  # accounts: no server token needed


def sign_in(client: TestClient, name: str, password: str | None = None, next_url: str = "/") -> None:
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    r = client.post("/login", data={"name": name, "password": password or PASSWORDS[name], "csrf": token,
                                    "next": next_url}, follow_redirects=False)
    assert r.status_code == 303, r.text[:300]


def csrf_of(client: TestClient) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)


# --- the library ----------------------------------------------------------------------
def test_accounts_roles_and_their_guards(db):
    with Archive(db) as archive:
        assert [u.name for u in archive.users()] == ["ada", "eve", "rex"]
        assert archive.user("EVE").role == "editor"  # names are case-insensitive
        with pytest.raises(AccountError, match="already"):
            archive.add_user("Ada", "reader", "another-password")
        with pytest.raises(AccountError, match="10 characters"):
            archive.add_user("tim", "reader", "short")
        with pytest.raises(AccountError, match="role"):
            archive.add_user("tim", "owner", "long-enough-password")
        with pytest.raises(AccountError, match="last enabled admin"):
            archive.set_role("ada", "editor")
        with pytest.raises(AccountError, match="last enabled admin"):
            archive.disable_user("ada")
        archive.set_role("eve", "admin")
        archive.set_role("ada", "reader")  # now allowed: eve is an admin
        assert archive.user("ada").can("reader") and not archive.user("ada").can("editor")
        row = archive.store.conn.execute("SELECT password_hash FROM users WHERE name = 'eve'").fetchone()[0]
        assert row.startswith("$argon2id$") and PASSWORDS["eve"] not in row


def test_login_rate_limit_and_session_ids(db):
    with Archive(db) as archive:
        first = archive.login("eve", PASSWORDS["eve"], "10.0.0.1")
        second = archive.login("eve", PASSWORDS["eve"], "10.0.0.1")
        assert first.token != second.token and archive.session_user(first.token)[0].name == "eve"
        stored = [r[0] for r in archive.store.conn.execute("SELECT id_hash FROM sessions")]
        assert first.token not in stored  # only digests are kept
        with pytest.raises(LoginRefused):
            archive.login("nobody", "whatever-password", "10.0.0.2")
        for _ in range(MAX_USER_FAILURES):
            with pytest.raises(LoginRefused):
                archive.login("rex", "wrong-password!", "10.0.0.3")
        with pytest.raises(TooManyAttempts):  # even with the right password now
            archive.login("rex", PASSWORDS["rex"], "10.0.0.4")
        archive.logout(first.token)
        assert archive.session_user(first.token) is None and archive.session_user(second.token)
        archive.set_password("eve", "a-brand-new-password")
        assert archive.session_user(second.token) is None  # a new password ends every session


def test_tokens_are_shown_once_stored_as_digests_and_revocable(db):
    with Archive(db) as archive:
        token, row = archive.create_token("eve", "script")
        assert token.startswith("opis_") and row.prefix == token[:12]
        assert token not in str(list(archive.store.conn.execute("SELECT * FROM api_tokens")))
        assert archive.token_user(token).name == "eve"
        archive.revoke_token("eve", row.id)
        assert archive.token_user(token) is None
        token2, _ = archive.create_token("eve")
        archive.set_role("eve", "admin")
        archive.disable_user("eve")
        assert archive.token_user(token2) is None


# --- the server ------------------------------------------------------------------------
def test_a_writable_server_needs_an_admin_or_a_token(seed_copy):
    path = seed_copy
    with pytest.raises(StoreError, match="admin account"):
        create_app(str(path), allow_write=True)
    with Archive(path) as archive:
        archive.add_user("ed", "editor", "editor-password")
    with pytest.raises(StoreError, match="admin account"):
        create_app(str(path), allow_write=True)
    create_app(str(path), allow_write=True, token="solo")  # single-user style still works


ACCOUNT_FORMS = [("POST", "/logout"), ("POST", "/account/password"), ("POST", "/account/tokens"),
                 ("POST", "/account/tokens/1/revoke")]


def _write_routes(app) -> list[tuple[str, str]]:
    """Every write of the REST API (from its OpenAPI schema: a new endpoint is checked too), and
    the account forms."""
    out = []
    for path, ops in app.openapi()["paths"].items():
        for method in ops:
            if method.upper() not in ("GET", "HEAD", "OPTIONS"):
                out.append((method.upper(), "/api" + path if not path.startswith("/api") else path))
    return out + ACCOUNT_FORMS


def test_every_write_refuses_anonymous_and_reader_requests(app, db):
    routes = _write_routes(app)
    assert ("POST", "/api/corrections") in routes and ("POST", "/api/uploads") in routes
    with Archive(db) as archive:
        reader_token, _ = archive.create_token("rex")
    client = TestClient(app)
    for method, path in routes:
        if not path.startswith("/api/"):
            continue
        anon = client.request(method, path, json={})
        assert anon.status_code == 401, (method, path, anon.status_code)
        if path.startswith("/api/saved"):  # a reader writes their own saved searches (tests/test_saved_web.py)
            continue
        reader = client.request(method, path, json={}, headers={"Authorization": f"Bearer {reader_token}"})
        assert reader.status_code == 403 and reader.json()["error"] == "forbidden", (method, path)
    # account forms without their token are refused too
    for method, path in routes:
        if path.startswith("/account") or path == "/logout":
            assert client.request(method, path, data={}, follow_redirects=False).status_code in (303, 403), path


def test_signed_in_editor_writes_with_the_pages_csrf_token_only(app):
    client = TestClient(app)
    sign_in(client, "eve")
    no_token = client.post("/api/corrections", json=RENAME)
    assert no_token.status_code == 403 and no_token.json()["error"] == "csrf"
    wrong = client.post("/api/corrections", json=RENAME, headers={"X-CSRF-Token": "forged"})
    assert wrong.status_code == 403
    ok = client.post("/api/corrections", json=RENAME, headers={"X-CSRF-Token": csrf_of(client)})
    assert ok.status_code == 201, ok.text
    assert ok.json()["author"] == "eve"
    assert [(c["kind"], c["author"]) for c in client.get("/api/corrections").json()] == [("entity.rename", "eve")]
    page = client.get("/")
    assert "eve" in page.text and 'action="/logout"' in page.text


def test_personal_tokens_write_until_revoked_or_disabled(app, db):
    with Archive(db) as archive:
        token, row = archive.create_token("eve", "script")
    client = TestClient(app)
    auth = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/corrections", json=RENAME, headers=auth).status_code == 201
    with Archive(db) as archive:
        assert archive.tokens("eve")[0].last_used  # noted on the write
        archive.disable_user("eve")
    assert client.post("/api/corrections", json=RENAME, headers=auth).status_code == 401
    with Archive(db) as archive:
        archive.disable_user("eve", False)
        archive.revoke_token("eve", row.id)
    assert client.post("/api/corrections", json=RENAME, headers=auth).status_code == 401


def test_session_fixation_and_login_form_csrf(app):
    client = TestClient(app)
    client.cookies.set("opis_session", "planted-by-an-attacker", domain="testserver.local")
    sign_in(client, "eve")
    assert client.cookies.get("opis_session", domain="testserver.local") != "planted-by-an-attacker"
    attacker = TestClient(app)
    attacker.cookies.set("opis_session", "planted-by-an-attacker")
    assert attacker.get("/account", follow_redirects=False).status_code == 303  # not signed in
    # a login form posted without its own token (e.g. from another site) is refused
    other = TestClient(app)
    r = other.post("/login", data={"name": "eve", "password": PASSWORDS["eve"], "csrf": "x"}, follow_redirects=False)
    assert r.status_code == 403 and "opis_session" not in other.cookies


def test_brute_force_over_http_gets_429(app):
    client = TestClient(app)
    for _ in range(MAX_USER_FAILURES):
        form = client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        r = client.post("/login", data={"name": "ada", "password": "guess-guess-guess", "csrf": token})
        assert r.status_code == 401
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    r = client.post("/login", data={"name": "ada", "password": PASSWORDS["ada"], "csrf": token})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0


def test_account_page_tokens_password_change_and_logout(app):
    client = TestClient(app)
    sign_in(client, "rex", next_url="/account")
    page = client.get("/account")
    assert page.status_code == 200 and "rex" in page.text and "reader" in page.text
    csrf = csrf_of(client)
    made = client.post("/account/tokens", data={"label": "notebook", "csrf": csrf})
    token = re.search(r'id="new-token" class="token" readonly value="(opis_[^"]+)"', made.text).group(1)
    assert client.get("/api/documents?limit=1", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.post("/account/tokens", data={"label": "x"}).status_code == 403  # no form token
    changed = client.post("/account/password", data={"current": PASSWORDS["rex"], "new": "rex-new-password-1",
                                                     "again": "rex-new-password-1", "csrf": csrf},
                          follow_redirects=False)
    assert changed.status_code == 303
    assert client.get("/account", follow_redirects=False).status_code == 303  # signed out everywhere
    sign_in(client, "rex", "rex-new-password-1")
    out = client.post("/logout", data={"csrf": csrf_of(client)}, follow_redirects=False)
    assert out.status_code == 303 and client.get("/account", follow_redirects=False).status_code == 303


def test_upload_page_follows_the_signed_in_role(app):
    reader = TestClient(app)
    sign_in(reader, "rex")
    assert "needs the editor role" in reader.get("/upload").text
    editor = TestClient(app)
    sign_in(editor, "eve")
    page = editor.get("/upload").text
    assert 'id="upload-files"' in page and 'id="upload-token"' not in page and "upload.js" in page
    anon = TestClient(app).get("/upload").text
    assert "Sign in" in anon and 'id="upload-files"' not in anon
