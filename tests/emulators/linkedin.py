"""Emulator of "Sign In with LinkedIn using OpenID Connect".

- GET /oauth/.well-known/openid-configuration: the discovery document (issuer <url>/oauth,
  like LinkedIn's https://www.linkedin.com/oauth; client_secret_post only).
- GET /oauth/openid/jwks: the RSA public key (RS256) that signs the id_tokens.
- GET /oauth/v2/authorization (response_type=code, client_id, redirect_uri, state, scope with
  "openid"): as if the current person (`login_as`) agreed: 302 to redirect_uri?code&state.
- POST /oauth/v2/accessToken (form: grant_type, code, client_id, client_secret, redirect_uri):
  {"access_token", "expires_in", "scope", "token_type", "id_token"}; errors HTTP 400/401
  {"error", "error_description"}: invalid_request, invalid_client, invalid_grant (unknown,
  used or another app's code; redirect_uri mismatch).
- GET /v2/userinfo (Authorization: Bearer): sub, name, given_name, family_name, picture,
  locale, email, email_verified; 401 {"serviceErrorCode": 65600} for a bad token.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.emulators.base import Emulator, Request, Response


@dataclass
class LinkedInPerson:
    sub: str
    given_name: str = "Lei"
    family_name: str = "Li"
    email: str = "li.lei@example.com"
    picture: str = "https://media.licdn.com/dms/image/emulated/profile.jpg"
    country: str = "CN"


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    scope: str
    person: LinkedInPerson
    used: bool = False


class LinkedInEmulator(Emulator):
    def __init__(self, apps: dict[str, str]) -> None:
        super().__init__()
        self.apps = dict(apps)
        self.person: LinkedInPerson | None = None
        self.grants: dict[str, _Grant] = {}
        self.tokens: dict[str, LinkedInPerson] = {}
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(8)

    @property
    def issuer(self) -> str:
        return f"{self.url}/oauth"

    def login_as(self, person: LinkedInPerson) -> LinkedInPerson:
        self.person = person
        return person

    def jwks(self) -> dict[str, Any]:
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        public.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [public]}

    def handle(self, request: Request) -> Response:
        routes = {
            ("GET", "/oauth/.well-known/openid-configuration"): self._discovery,
            ("GET", "/oauth/openid/jwks"): lambda _request: Response.json(self.jwks()),
            ("GET", "/oauth/v2/authorization"): self._authorize,
            ("POST", "/oauth/v2/accessToken"): self._token,
            ("GET", "/v2/userinfo"): self._userinfo,
        }
        route = routes.get((request.method, request.path))
        return route(request) if route else Response(404, b"not found")

    def _discovery(self, request: Request) -> Response:
        return Response.json(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.url}/oauth/v2/authorization",
                "token_endpoint": f"{self.url}/oauth/v2/accessToken",
                "userinfo_endpoint": f"{self.url}/v2/userinfo",
                "jwks_uri": f"{self.url}/oauth/openid/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "profile", "email"],
                "claims_supported": [
                    "iss",
                    "aud",
                    "iat",
                    "exp",
                    "sub",
                    "name",
                    "given_name",
                    "family_name",
                    "picture",
                    "email",
                    "email_verified",
                    "locale",
                ],
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
            }
        )

    def _authorize(self, request: Request) -> Response:
        query = request.query
        if query.get("client_id") not in self.apps:
            return Response(400, b"The passed in client_id is invalid")
        redirect_uri = query.get("redirect_uri", "")
        if urlsplit(redirect_uri).scheme not in ("http", "https"):
            return Response(400, b"The redirect_uri does not match the registered value")
        separator = "&" if "?" in redirect_uri else "?"
        scopes = set(query.get("scope", "").split())
        if query.get("response_type") != "code" or "openid" not in scopes:
            params = {
                "error": "unauthorized_scope_error",
                "error_description": "Scope openid is required",
                "state": query.get("state", ""),
            }
            return Response.redirect(f"{redirect_uri}{separator}{urlencode(params)}")
        if self.person is None:
            return Response(403, b"nobody is signed in to the emulator")
        code = secrets.token_urlsafe(32)
        self.grants[code] = _Grant(
            query["client_id"], redirect_uri, " ".join(sorted(scopes)), self.person
        )
        params = {"code": code, "state": query.get("state", "")}
        return Response.redirect(f"{redirect_uri}{separator}{urlencode(params)}")

    @staticmethod
    def _error(status: int, error: str, description: str) -> Response:
        return Response.json({"error": error, "error_description": description}, status=status)

    def _token(self, request: Request) -> Response:
        if request.headers.get("Authorization"):
            # LinkedIn takes the client credentials in the body only.
            return self._error(401, "invalid_client", "Client authentication failed")
        form = request.form()
        if form.get("grant_type") != "authorization_code" or not form.get("code"):
            return self._error(400, "invalid_request", "A required parameter is missing")
        client_id = form.get("client_id", "")
        if client_id not in self.apps or form.get("client_secret") != self.apps[client_id]:
            return self._error(401, "invalid_client", "Client authentication failed")
        grant = self.grants.get(form["code"])
        if grant is None or grant.used or grant.client_id != client_id:
            return self._error(
                400, "invalid_grant", "The provided authorization grant is invalid or expired"
            )
        if form.get("redirect_uri") != grant.redirect_uri:
            return self._error(400, "invalid_redirect_uri", "Unable to retrieve access token")
        grant.used = True
        token = "AQ" + secrets.token_urlsafe(40)
        self.tokens[token] = grant.person
        return Response.json(
            {
                "access_token": token,
                "expires_in": 5183999,
                "scope": grant.scope.replace(" ", ","),
                "token_type": "Bearer",
                "id_token": self.id_token(grant.person, client_id),
            }
        )

    def claims(self, person: LinkedInPerson) -> dict[str, Any]:
        return {
            "sub": person.sub,
            "name": f"{person.given_name} {person.family_name}",
            "given_name": person.given_name,
            "family_name": person.family_name,
            "picture": person.picture,
            "email": person.email,
            "email_verified": True,
            "locale": {"country": person.country, "language": "en"},
        }

    def id_token(self, person: LinkedInPerson, client_id: str) -> str:
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": client_id,
            "iat": now,
            "exp": now + 3600,
            **self.claims(person),
        }
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": self.kid})

    def _userinfo(self, request: Request) -> Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        person = self.tokens.get(token) if scheme == "Bearer" else None
        if person is None:
            return Response.json(
                {"serviceErrorCode": 65600, "message": "Invalid access token", "status": 401},
                status=401,
            )
        return Response.json(self.claims(person))
