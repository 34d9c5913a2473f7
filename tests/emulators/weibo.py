"""Emulator of Weibo's OAuth 2.0 and the user APIs a login reads (api.weibo.com).

- GET /oauth2/authorize: checks client_id, response_type=code and an http(s) redirect_uri, then
  acts as if the current person (`login_as`) agreed: 302 to redirect_uri?code=CODE&state=STATE.
- POST /oauth2/access_token (form: client_id, client_secret, grant_type, code, redirect_uri):
  {"access_token", "remind_in", "expires_in", "uid"} as text/plain, like Weibo; errors HTTP 400
  {"error", "error_code", "request"}: 21323 invalid_request, 21324 invalid_client, 21325
  invalid_grant (unknown or used code), 21322 redirect_uri_mismatch.
- GET /2/users/show.json?access_token&uid: the profile (idstr, screen_name, location, avatar);
  21332 invalid_access_token (HTTP 401), 20003 user does not exist (HTTP 400).
- GET /2/account/profile/career.json?access_token: the work history, an advanced interface:
  apps without the grant get 10014 "Insufficient app permissions!" (HTTP 403).
Codes are single-use and bound to the app and redirect_uri they were issued for.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from tests.emulators.base import Emulator, Request, Response


@dataclass
class WeiboPerson:
    uid: str
    screen_name: str = "微博用户"
    location: str = "广东 深圳"
    gender: str = "m"
    avatar_large: str = "https://tvax1.sinaimg.cn/crop.0.0.180.180.180/emulated.jpg"
    career: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    person: WeiboPerson
    used: bool = False


@dataclass
class WeiboApp:
    secret: str
    career_granted: bool = False


class WeiboEmulator(Emulator):
    def __init__(self, apps: dict[str, str]) -> None:
        super().__init__()
        self.apps = {key: WeiboApp(secret=secret) for key, secret in apps.items()}
        self.person: WeiboPerson | None = None
        self.people: dict[str, WeiboPerson] = {}
        self.grants: dict[str, _Grant] = {}
        self.tokens: dict[str, tuple[str, WeiboPerson]] = {}  # token -> (app key, person)

    def login_as(self, person: WeiboPerson) -> WeiboPerson:
        self.person = person
        self.people[person.uid] = person
        return person

    def grant_career(self, client_id: str) -> None:
        self.apps[client_id].career_granted = True

    def handle(self, request: Request) -> Response:
        routes = {
            ("GET", "/oauth2/authorize"): self._authorize,
            ("POST", "/oauth2/access_token"): self._access_token,
            ("GET", "/2/users/show.json"): self._users_show,
            ("GET", "/2/account/profile/career.json"): self._career,
        }
        route = routes.get((request.method, request.path))
        return route(request) if route else Response(404, b"not found")

    @staticmethod
    def _error(status: int, code: int, error: str, path: str) -> Response:
        return Response.json({"error": error, "error_code": code, "request": path}, status=status)

    def _authorize(self, request: Request) -> Response:
        query = request.query
        if query.get("client_id") not in self.apps:
            return Response(400, "error:invalid_client 21324 应用不存在".encode())
        if query.get("response_type") != "code":
            return Response(400, b"error:unsupported_response_type 21329")
        redirect_uri = query.get("redirect_uri", "")
        if urlsplit(redirect_uri).scheme not in ("http", "https"):
            return Response(400, "error:redirect_uri_mismatch 21322 重定向地址不匹配".encode())
        if self.person is None:
            return Response(403, b"nobody is signed in to the emulator")
        code = secrets.token_hex(16)
        self.grants[code] = _Grant(query["client_id"], redirect_uri, self.person)
        separator = "&" if "?" in redirect_uri else "?"
        params = urlencode({"code": code, "state": query.get("state", "")})
        return Response.redirect(f"{redirect_uri}{separator}{params}")

    def _access_token(self, request: Request) -> Response:
        form = request.form()
        path = "/oauth2/access_token"
        if not all(form.get(k) for k in ("client_id", "client_secret", "grant_type", "code")):
            return self._error(400, 21323, "invalid_request", path)
        app = self.apps.get(form["client_id"])
        if app is None or form["client_secret"] != app.secret:
            return self._error(400, 21324, "invalid_client", path)
        if form["grant_type"] != "authorization_code":
            return self._error(400, 21328, "unsupported_grant_type", path)
        grant = self.grants.get(form["code"])
        if grant is None or grant.used or grant.client_id != form["client_id"]:
            return self._error(400, 21325, "invalid_grant", path)
        if form.get("redirect_uri") != grant.redirect_uri:
            return self._error(400, 21322, "redirect_uri_mismatch", path)
        grant.used = True
        token = "2.00" + secrets.token_hex(16)
        self.tokens[token] = (form["client_id"], grant.person)
        body = {
            "access_token": token,
            "remind_in": "157679999",
            "expires_in": 157679999,
            "uid": grant.person.uid,
            "isRealName": "true",
        }
        response = Response.json(body)
        response.headers["Content-Type"] = "text/plain;charset=UTF-8"
        return response

    def _users_show(self, request: Request) -> Response:
        path = "/2/users/show.json"
        if request.query.get("access_token") not in self.tokens:
            return self._error(401, 21332, "invalid_access_token", path)
        person = self.people.get(request.query.get("uid", ""))
        if person is None:
            return self._error(400, 20003, "User does not exists!", path)
        return Response.json(
            {
                "id": int(person.uid),
                "idstr": person.uid,
                "screen_name": person.screen_name,
                "name": person.screen_name,
                "province": "44",
                "city": "3",
                "location": person.location,
                "description": "",
                "url": "",
                "profile_image_url": person.avatar_large.replace(".180/", ".50/"),
                "profile_url": f"u/{person.uid}",
                "domain": "",
                "gender": person.gender,
                "avatar_large": person.avatar_large,
                "avatar_hd": person.avatar_large,
                "verified": False,
                "lang": "zh-cn",
            }
        )

    def _career(self, request: Request) -> Response:
        path = "/2/account/profile/career.json"
        owner = self.tokens.get(request.query.get("access_token", ""))
        if owner is None:
            return self._error(401, 21332, "invalid_access_token", path)
        app_key, person = owner
        if not self.apps[app_key].career_granted:
            return self._error(403, 10014, "Insufficient app permissions!", path)
        return Response.json(person.career)
