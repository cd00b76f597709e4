"""Pages: signing in with CSRF protection, the session cookie, and who may open which page."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tests.conftest import ADMIN_ONLY, PASSWORD, ROLES, Cast


def csrf_from(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD, next_: str = "/"):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get("/login").text)
    return client.post(
        "/login",
        data={"email": email, "password": password, "next": next_, "csrf_token": token},
        follow_redirects=False,
    )


def test_sign_in_sets_a_safe_session_cookie(client: TestClient, cast: Cast) -> None:
    answer = sign_in(client, cast.seller.email, next_="/people")
    assert answer.status_code == 303 and answer.headers["location"] == "/people"
    cookie = next(
        c for c in answer.headers.get_list("set-cookie") if c.startswith("prism_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    home = client.get("/")
    assert home.status_code == 200 and cast.seller.name in home.text


def test_sign_in_never_redirects_off_site(client: TestClient, cast: Cast) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        assert sign_in(client, cast.seller.email, next_=target).headers["location"] == "/"


def test_wrong_password_shows_the_form_again(client: TestClient, cast: Cast) -> None:
    answer = sign_in(client, cast.seller.email, "wrong-password")
    assert answer.status_code == 401 and "Wrong email or password" in answer.text


def test_forms_without_the_csrf_token_are_refused(client: TestClient, cast: Cast) -> None:
    client.get("/login")
    forged = client.post("/login", data={"email": cast.seller.email, "password": PASSWORD})
    assert forged.status_code == 403
    assert sign_in(client, cast.admin.email).status_code == 303
    no_token = client.post("/admin/teams", data={"name": "Forged"})
    assert no_token.status_code == 403
    page = client.get("/admin/teams")
    made = client.post("/admin/teams", data={"name": "Genuine", "csrf_token": csrf_from(page.text)})
    assert made.status_code == 200 and "Genuine" in made.text


def test_cookie_api_calls_need_the_csrf_header(client: TestClient, cast: Cast) -> None:
    sign_in(client, cast.admin.email)
    assert client.get("/api/v1/me").status_code == 200
    assert client.post("/api/v1/teams", json={"name": "Via cookie"}).status_code == 403
    token = csrf_from(client.get("/admin/teams").text)
    made = client.post(
        "/api/v1/teams", json={"name": "Via cookie"}, headers={"X-CSRF-Token": token}
    )
    assert made.status_code == 201


def test_sign_out_ends_the_session_everywhere(client: TestClient, cast: Cast) -> None:
    sign_in(client, cast.seller.email)
    cookie = client.cookies.get("prism_session")
    token = csrf_from(client.get("/").text)
    assert (
        client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code
        == 303
    )
    client.cookies.set("prism_session", cookie or "")
    assert client.get("/", follow_redirects=False).headers["location"] == "/login?next=/"


def test_anonymous_visitors_are_sent_to_sign_in(client: TestClient) -> None:
    assert (
        client.get("/people", follow_redirects=False).headers["location"] == "/login?next=/people"
    )
    htmx = client.get("/people", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.status_code == 204 and htmx.headers["hx-redirect"] == "/login?next=/people"


ADMIN_PAGES = ["/admin/users", "/admin/teams", "/admin/tokens", "/admin/audit"]


@pytest.mark.parametrize("page", ADMIN_PAGES)
@pytest.mark.parametrize(("who", "allowed"), ADMIN_ONLY)
def test_admin_pages_by_role(
    client: TestClient, cast: Cast, page: str, who: str, allowed: bool
) -> None:
    sign_in(client, getattr(cast, who).email)
    answer = client.get(page)
    assert answer.status_code == (200 if allowed else 403)
    if not allowed:
        assert "Not allowed" in answer.text and "Traceback" not in answer.text


@pytest.mark.parametrize("page", ["/", "/people", "/account", "/account/tokens", "/search?q=test"])
@pytest.mark.parametrize("who", ROLES)
def test_everyone_opens_the_shared_pages(
    client: TestClient, cast: Cast, page: str, who: str
) -> None:
    sign_in(client, getattr(cast, who).email)
    assert client.get(page).status_code == 200


def test_jobs_page_for_editors_and_admins(client: TestClient, cast: Cast) -> None:
    sign_in(client, cast.editor.email)
    assert client.get("/admin/jobs").status_code == 200


def test_admin_creates_a_user_and_sees_errors_inline(
    client: TestClient, session: Session, cast: Cast
) -> None:
    sign_in(client, cast.admin.email)
    token = csrf_from(client.get("/admin/users").text)
    form = {
        "name": "Nina",
        "email": "nina@example.com",
        "password": "short",
        "role": "viewer",
        "csrf_token": token,
    }
    bad = client.post("/admin/users", data=form)
    assert (
        bad.status_code == 422 and "password" in bad.text and 'value="nina@example.com"' in bad.text
    )
    good = client.post(
        "/admin/users", data={**form, "password": "long-enough-1"}, follow_redirects=False
    )
    assert good.status_code == 303
    assert "Account created" in client.get(good.headers["location"]).text


def test_token_page_shows_a_new_token_once(client: TestClient, cast: Cast) -> None:
    sign_in(client, cast.pm.email)
    token = csrf_from(client.get("/account/tokens").text)
    made = client.post("/account/tokens", data={"name": "Reports", "csrf_token": token})
    raw = re.search(r"(prism_[\w-]+)</code>", made.text)
    assert raw is not None
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw.group(1)}"}).status_code
        == 200
    )
    assert raw.group(1) not in client.get("/account/tokens").text


def test_security_headers_and_no_cdn(client: TestClient) -> None:
    page = client.get("/login")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "https://" not in page.text
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200


def test_the_component_kit_is_served_compressed_and_revalidated(client: TestClient) -> None:
    assert '/static/vendor/tabler/tabler.min.css"' in client.get("/login").text
    kit = client.get("/static/vendor/tabler/tabler.min.css", headers={"Accept-Encoding": "gzip"})
    assert kit.status_code == 200 and kit.headers["content-type"].startswith("text/css")
    assert kit.headers["content-encoding"] == "gzip" and "Tabler" in kit.text
    again = client.get(
        "/static/vendor/tabler/tabler.min.css", headers={"If-None-Match": kit.headers["etag"]}
    )
    assert again.status_code == 304


def test_health_checks_the_database(client: TestClient) -> None:
    assert client.get("/healthz").json()["database"] == "ok"


def test_health_asks_the_database_at_most_once_a_second(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    probe = client.app.state.health  # type: ignore[attr-defined]
    assert client.get("/healthz").status_code == 200
    asked: list[int] = []

    def unreachable(**_: object) -> None:
        asked.append(1)
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(probe.db, "session_scope", unreachable)
    assert client.get("/healthz").status_code == 200 and not asked  # the last answer, repeated
    probe.checked_at -= probe.ttl_s
    down = client.get("/healthz")
    assert down.status_code == 503 and down.json()["database"] == "unreachable"
    assert len(asked) == 1


def test_a_users_history_is_one_click_away(
    client: TestClient, session: Session, cast: Cast
) -> None:
    sign_in(client, cast.admin.email)
    page = client.get(f"/admin/users/{cast.seller.id}")
    link = f"/admin/audit?item_type=User&amp;item_id={cast.seller.id}"
    assert link in page.text
    history = client.get(link.replace("&amp;", "&"))
    assert cast.seller.email in history.text and cast.csm.email not in history.text


def test_changing_your_password_needs_the_current_one(client: TestClient, cast: Cast) -> None:
    sign_in(client, cast.csm.email)
    token = csrf_from(client.get("/account").text)
    form = {"current_password": "not-it", "password": "brand-new-pass", "csrf_token": token}
    wrong = client.post("/account/password", data=form)
    assert wrong.status_code == 422 and "current password is not right" in wrong.text
    right = client.post("/account/password", data={**form, "current_password": PASSWORD})
    assert right.status_code == 200 and "Password changed." in right.text
    assert sign_in(client, cast.csm.email, "brand-new-pass").status_code == 303


def test_jobs_page_refreshes_itself_only_while_work_is_pending(
    client: TestClient, session: Session, cast: Cast
) -> None:
    from prism.jobs import service as jobs

    sign_in(client, cast.admin.email)
    assert 'hx-trigger="every 2s"' not in client.get("/admin/jobs").text
    jobs.enqueue(session, "auth.forget_expired_sessions", actor=cast.admin)
    session.commit()
    page = client.get("/admin/jobs")
    assert 'hx-trigger="every 2s"' in page.text and "auth.forget_expired_sessions" in page.text


def test_a_form_that_succeeds_redirects_so_a_refresh_repeats_nothing(
    client: TestClient, session: Session, cast: Cast
) -> None:
    from tests.knowledge.factories import make_item

    item = make_item(session, "faq", title="Is data encrypted?", publish=False)
    session.commit()
    sign_in(client, cast.editor.email)
    token = csrf_from(client.get(f"/library/{item.id}").text)
    posted = client.post(
        f"/library/{item.id}/transitions/publish",
        data={"csrf_token": token, "version": str(item.version)},
        follow_redirects=False,
    )
    # Post/redirect/get: the browser lands on the item's own page, read with GET.
    assert posted.status_code == 303 and posted.headers["location"] == f"/library/{item.id}"
    landed = client.get(posted.headers["location"])
    assert "Publish: done." in landed.text
    # The message is shown once; a refresh shows the page, and publishes nothing again.
    assert "Publish: done." not in client.get(f"/library/{item.id}").text
    # A failed post stays on its page with the error, and what was sent, for another try.
    stale = client.post(
        f"/library/{item.id}/transitions/archive",
        data={"csrf_token": token, "version": str(item.version)},
        follow_redirects=False,
    )
    assert stale.status_code == 409 and 'role="alert"' in stale.text
    # A notice cookie not signed by Prism is ignored.
    client.cookies.set("prism_notice", "SGFja2Vk.0000")
    assert "Hacked" not in client.get(f"/library/{item.id}").text
