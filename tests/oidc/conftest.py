"""A real OpenID provider (npm's `oidc-provider`, installed by `make test` into .cache/npm),
started once per test session on a free port, and the walk through its sign-in and consent
forms that a person makes in the browser."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from prism.settings import Settings
from tests.pgcluster import free_port

HERE = Path(__file__).parent
NODE_MODULES = HERE.parent.parent / ".cache" / "npm" / "node_modules"
CLIENT_ID = "prism"
CLIENT_SECRET = "prism-test-secret"
PRISM = "http://testserver"
OTHER_APP = "other-app"
OTHER_APP_SECRET = "other-app-secret"
OTHER_APP_CALLBACK = "http://other-app.example/callback"
# The people the provider knows, by subject: claims as Okta or Entra would send them.
ACCOUNTS = {
    "ines": {
        "email": "ines.ortega@helio.example",
        "email_verified": True,
        "name": "Inès Ortega",
        "groups": ["everyone", "product-marketing"],
        "department": "Product Marketing",
    },
    "olaf": {
        "email": "olaf.berg@helio.example",
        "email_verified": True,
        "name": "Olaf Berg",
        "groups": ["everyone", "prism-admins", "sales"],
        "department": "Sales",
    },
    "mallory": {
        "email": "mallory@elsewhere.example",
        "email_verified": True,
        "name": "Mallory",
        "groups": ["prism-admins"],
    },
    "unverified": {
        "email": "new.hire@helio.example",
        "email_verified": False,
        "name": "New Hire",
    },
}


@dataclass(frozen=True)
class OidcProvider:
    issuer: str

    def settings(self, base: Settings, **more: object) -> Settings:
        """`base` with company sign-in through this provider."""
        return base.model_copy(
            update={
                "oidc_issuer": self.issuer,
                "oidc_client_id": CLIENT_ID,
                "oidc_client_secret": CLIENT_SECRET,
                "oidc_provider_name": "Helio SSO",
                "oidc_scopes": "openid email profile groups",
                "oidc_allowed_domains": "helio.example",
                "oidc_role_map": "prism-admins=admin,product-marketing=editor,sales=contributor",
                "oidc_team_claim": "department",
                **more,
            }
        )


@contextmanager
def running_provider(folder: Path, *, prism_url: str) -> Iterator[OidcProvider]:
    """The provider on a free port, with Prism at `prism_url` as its client, until the block
    ends."""
    if not (NODE_MODULES / "oidc-provider").exists() or shutil.which("node") is None:
        if os.environ.get("CI"):
            raise RuntimeError("make test installs oidc-provider into .cache/npm; it is missing")
        pytest.skip("oidc-provider is not installed (make test installs it into .cache/npm)")
    # Node resolves packages from the script's own folder up: run a copy beside the modules.
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "provider.mjs", folder / "provider.mjs")
    (folder / "node_modules").symlink_to(NODE_MODULES)
    port = free_port()
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URI": f"{prism_url}/auth/sso/callback",
        "OIDC_POST_LOGOUT_URI": f"{prism_url}/login",
        "OIDC_ACCOUNTS": json.dumps(ACCOUNTS),
    }
    process = subprocess.Popen(
        ["node", str(folder / "provider.mjs")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        said = []
        for line in process.stdout:  # warnings first (e.g. about the Node.js version), then ready
            said.append(line)
            if line.strip() == "ready":
                break
        else:
            raise RuntimeError(f"the OpenID provider did not start: {''.join(said)}")
        # Whatever it says later is read and dropped, so a full pipe never stalls it.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield OidcProvider(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    with running_provider(tmp_path_factory.mktemp("oidc"), prism_url=PRISM) as provider:
        yield provider


def sign_in_at_provider(prism: TestClient, account: str, next_path: str = "/") -> httpx.Response:
    """Click "Sign in with …", sign in and consent at the provider as `account`, and return
    Prism's answer to the provider sending the browser back."""
    leaving = prism.get(f"/auth/sso?next={next_path}", follow_redirects=False)
    assert leaving.status_code == 303, leaving.text
    back = urlsplit(walk_provider(leaving.headers["location"], account, back_to=PRISM))
    return prism.get(f"{back.path}?{back.query}", follow_redirects=False)


def walk_provider(url: str, account: str, *, back_to: str) -> str:
    """Follow the provider's pages from `url` as a browser would, signing in as `account` and
    consenting, until it sends the browser to `back_to`; that address."""
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        for _ in range(12):
            if url.startswith(back_to):
                return url
            page = browser.get(url)
            if page.is_redirect:
                url = urljoin(url, page.headers["location"])
                continue
            url = _submit(browser, url, page.text, account)
    raise AssertionError("the provider never sent the browser back")


def other_app_id_token(issuer: str, account: str, *, nonce: str) -> str:
    """A genuine ID token for `account` carrying `nonce`, issued by the same provider to
    another application."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = urlencode(
        {
            "client_id": OTHER_APP,
            "response_type": "code",
            "scope": "openid email profile",
            "redirect_uri": OTHER_APP_CALLBACK,
            "state": "other",
            "nonce": nonce,
            "code_challenge": challenge.decode().rstrip("="),
            "code_challenge_method": "S256",
        }
    )
    back = walk_provider(f"{issuer}/auth?{query}", account, back_to=OTHER_APP_CALLBACK)
    code = parse_qs(urlsplit(back).query)["code"][0]
    answer = httpx.post(
        f"{issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": OTHER_APP_CALLBACK,
            "code_verifier": verifier,
        },
        auth=(OTHER_APP, OTHER_APP_SECRET),
    )
    answer.raise_for_status()
    return str(answer.json()["id_token"])


def _submit(browser: httpx.Client, url: str, html: str, account: str) -> str:
    """Fill in the provider's sign-in form (any password), or press its consent button."""
    action = re.search(r'<form[^>]*action="([^"]+)"', html)
    assert action, f"no form on the provider's page: {html[:500]}"
    fields = dict(
        re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)
    )
    if 'name="login"' in html:
        fields |= {"login": account, "password": "any"}
    answer = browser.post(urljoin(url, action.group(1)), data=fields)
    assert answer.is_redirect, answer.text[:500]
    return urljoin(url, answer.headers["location"])
