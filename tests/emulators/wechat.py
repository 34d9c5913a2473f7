"""Emulator of WeChat's web OAuth and official-account APIs, on one local server.

Pages a person visits (open.weixin.qq.com):
- GET /connect/oauth2/authorize (inside WeChat; scope snsapi_base or snsapi_userinfo)
- GET /connect/qrconnect (QR on a PC; scope snsapi_login)
  Both check appid, response_type=code, scope and redirect_uri, then act as if the current
  person (`login_as`) agreed/scanned: 302 to redirect_uri?code=CODE&state=STATE.
Server APIs (api.weixin.qq.com), JSON, errors as {"errcode", "errmsg"} with HTTP 200:
- GET /sns/oauth2/access_token (40013 invalid appid, 40125 invalid appsecret, 40029 invalid
  code, 40163 code been used)
- GET /sns/userinfo (40001 invalid credential, 40003 invalid openid, 48001 api unauthorized)
- GET /cgi-bin/token (40002 invalid grant_type, 40013, 40125)
- POST /cgi-bin/message/template/send (40001, 47001 data format error, 40003, 40037 invalid
  template_id, 43004 require subscribe)
- GET /cgi-bin/ticket/getticket?access_token=...&type=jsapi: the JS-SDK ticket (40001,
  40097 invalid args); `js_signature_ok(...)` checks a wx.config() signature as WeChat's
  browser does.
The openid of a person differs per app (derived from app id and person), the unionid does not.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from tests.emulators.base import Emulator, Request, Response


@dataclass
class Person:
    key: str
    nickname: str = "微信用户"
    unionid: str = ""
    headimgurl: str = "https://thirdwx.qlogo.cn/mmopen/emulated/132"
    sex: int = 0
    province: str = "Shanghai"
    city: str = "Shanghai"
    country: str = "CN"


@dataclass
class Grant:
    appid: str
    person: Person
    scope: str
    used: bool = False


@dataclass
class UserToken:
    appid: str
    openid: str
    scope: str
    person: Person


@dataclass
class Sent:
    appid: str
    touser: str
    template_id: str
    data: dict[str, Any]
    url: str
    msgid: int


@dataclass
class App:
    secret: str
    templates: set[str] = field(default_factory=set)
    followers: set[str] = field(default_factory=set)
    # Openids the account has ever seen (followers, past followers): others are "invalid openid".
    known: set[str] = field(default_factory=set)


class WeChatEmulator(Emulator):
    def __init__(self, apps: dict[str, str]) -> None:
        super().__init__()
        self.apps = {appid: App(secret=secret) for appid, secret in apps.items()}
        self.person: Person | None = None
        self.grants: dict[str, Grant] = {}
        self.user_tokens: dict[str, UserToken] = {}
        self.account_tokens: dict[str, str] = {}  # access_token -> appid
        self.token_fetches = 0
        self.ticket_fetches = 0
        self.jsapi_tickets: dict[str, str] = {}  # ticket -> appid
        self.sent: list[Sent] = []
        self._msgids = itertools.count(2_000_000_001)

    # --- test controls ---------------------------------------------------------------------
    def login_as(self, person: Person) -> Person:
        """The person who agrees on the authorize page / scans the QR code from now on."""
        self.person = person
        return person

    def openid(self, appid: str, person: Person) -> str:
        digest = hashlib.sha256(f"{appid}:{person.key}".encode()).hexdigest()
        return "o" + digest[:27]

    def add_template(self, appid: str, template_id: str) -> None:
        self.apps[appid].templates.add(template_id)

    def follow(self, appid: str, openid: str) -> None:
        self.apps[appid].followers.add(openid)
        self.apps[appid].known.add(openid)

    def unfollow(self, appid: str, openid: str) -> None:
        self.apps[appid].followers.discard(openid)

    def js_signature_ok(
        self, *, appid: str, url: str, nonce: str, timestamp: int, signature: str
    ) -> bool:
        """What WeChat's browser checks in wx.config(): the signature over the latest ticket."""
        for ticket, owner in self.jsapi_tickets.items():
            if owner != appid:
                continue
            text = f"jsapi_ticket={ticket}&noncestr={nonce}&timestamp={timestamp}&url={url}"
            if hashlib.sha1(text.encode("utf-8")).hexdigest() == signature:
                return True
        return False

    def revoke_account_tokens(self) -> None:
        """As when another process fetched a new token: the cached ones stop working."""
        self.account_tokens.clear()

    # --- dispatch --------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        routes = {
            ("GET", "/connect/oauth2/authorize"): self._authorize,
            ("GET", "/connect/qrconnect"): self._qrconnect,
            ("GET", "/sns/oauth2/access_token"): self._oauth_token,
            ("GET", "/sns/userinfo"): self._userinfo,
            ("GET", "/cgi-bin/token"): self._account_token,
            ("POST", "/cgi-bin/message/template/send"): self._template_send,
            ("GET", "/cgi-bin/ticket/getticket"): self._jsapi_ticket,
        }
        route = routes.get((request.method, request.path))
        if route is None:
            return Response(404, b"not found")
        return route(request)

    @staticmethod
    def _error(errcode: int, errmsg: str) -> Response:
        return Response.json(
            {"errcode": errcode, "errmsg": f"{errmsg} rid: {secrets.token_hex(6)}"}
        )

    # --- OAuth pages -----------------------------------------------------------------------
    def _grant(self, request: Request, scopes: set[str]) -> Response:
        query = request.query
        if query.get("appid") not in self.apps:
            # WeChat shows an error page ("appid 参数错误") instead of redirecting.
            return Response(400, "appid 参数错误".encode())
        if query.get("response_type") != "code":
            return Response(400, "response_type 参数错误".encode())
        if query.get("scope") not in scopes:
            return Response(400, "scope 参数错误或没有 scope 权限".encode())
        redirect_uri = query.get("redirect_uri", "")
        if urlsplit(redirect_uri).scheme not in ("http", "https"):
            return Response(400, "redirect_uri 参数错误".encode())
        if self.person is None:
            return Response(403, b"no person is signed in to the emulator")
        code = secrets.token_urlsafe(24)
        self.grants[code] = Grant(appid=query["appid"], person=self.person, scope=query["scope"])
        separator = "&" if "?" in redirect_uri else "?"
        return Response.redirect(
            f"{redirect_uri}{separator}{urlencode({'code': code, 'state': query.get('state', '')})}"
        )

    def _authorize(self, request: Request) -> Response:
        return self._grant(request, {"snsapi_base", "snsapi_userinfo"})

    def _qrconnect(self, request: Request) -> Response:
        return self._grant(request, {"snsapi_login"})

    # --- OAuth APIs ------------------------------------------------------------------------
    def _oauth_token(self, request: Request) -> Response:
        query = request.query
        app = self.apps.get(query.get("appid", ""))
        if app is None:
            return self._error(40013, "invalid appid")
        if query.get("secret") != app.secret:
            return self._error(40125, "invalid appsecret")
        if query.get("grant_type") != "authorization_code":
            return self._error(40002, "invalid grant_type")
        grant = self.grants.get(query.get("code", ""))
        if grant is None or grant.appid != query["appid"]:
            return self._error(40029, "invalid code")
        if grant.used:
            return self._error(40163, "code been used")
        grant.used = True
        openid = self.openid(grant.appid, grant.person)
        token = secrets.token_urlsafe(32)
        self.user_tokens[token] = UserToken(grant.appid, openid, grant.scope, grant.person)
        answer: dict[str, Any] = {
            "access_token": token,
            "expires_in": 7200,
            "refresh_token": secrets.token_urlsafe(32),
            "openid": openid,
            "scope": grant.scope,
        }
        if grant.person.unionid:
            answer["unionid"] = grant.person.unionid
        return Response.json(answer)

    def _userinfo(self, request: Request) -> Response:
        token = self.user_tokens.get(request.query.get("access_token", ""))
        if token is None:
            return self._error(40001, "invalid credential, access_token is invalid or not latest")
        if request.query.get("openid") != token.openid:
            return self._error(40003, "invalid openid")
        if token.scope == "snsapi_base":
            return self._error(48001, "api unauthorized")
        person = token.person
        profile: dict[str, Any] = {
            "openid": token.openid,
            "nickname": person.nickname,
            "sex": person.sex,
            "province": person.province,
            "city": person.city,
            "country": person.country,
            "headimgurl": person.headimgurl,
            "privilege": [],
        }
        if person.unionid:
            profile["unionid"] = person.unionid
        return Response.json(profile)

    # --- Official account ------------------------------------------------------------------
    def _account_token(self, request: Request) -> Response:
        query = request.query
        if query.get("grant_type") != "client_credential":
            return self._error(40002, "invalid grant_type")
        app = self.apps.get(query.get("appid", ""))
        if app is None:
            return self._error(40013, "invalid appid")
        if query.get("secret") != app.secret:
            return self._error(40125, "invalid appsecret")
        self.token_fetches += 1
        token = secrets.token_urlsafe(48)
        self.account_tokens[token] = query["appid"]
        return Response.json({"access_token": token, "expires_in": 7200})

    def _template_send(self, request: Request) -> Response:
        appid = self.account_tokens.get(request.query.get("access_token", ""))
        if appid is None:
            return self._error(40001, "invalid credential, access_token is invalid or not latest")
        try:
            body = json.loads(request.body.decode("utf-8"))
        except ValueError:
            return self._error(47001, "data format error")
        if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
            return self._error(47001, "data format error")
        app = self.apps[appid]
        touser = str(body.get("touser", ""))
        known_openids = {self.openid(appid, grant.person) for grant in self.grants.values()}
        if touser not in known_openids and touser not in app.known:
            return self._error(40003, "invalid openid")
        if body.get("template_id") not in app.templates:
            return self._error(40037, "invalid template_id")
        if touser not in app.followers:
            return self._error(43004, "require subscribe")
        for key, value in body["data"].items():
            if not isinstance(value, dict) or not isinstance(value.get("value"), str):
                return self._error(47003, f"argument invalid! data.{key}.value invalid")
        msgid = next(self._msgids)
        self.sent.append(
            Sent(
                appid,
                touser,
                str(body["template_id"]),
                body["data"],
                str(body.get("url", "")),
                msgid,
            )
        )
        return Response.json({"errcode": 0, "errmsg": "ok", "msgid": msgid})

    # --- JS-SDK ------------------------------------------------------------------------------
    def _jsapi_ticket(self, request: Request) -> Response:
        appid = self.account_tokens.get(request.query.get("access_token", ""))
        if appid is None:
            return self._error(40001, "invalid credential, access_token is invalid or not latest")
        if request.query.get("type") != "jsapi":
            return self._error(40097, "invalid args")
        self.ticket_fetches += 1
        # Only the latest ticket of an account is kept: callers must cache it, as WeChat asks.
        for ticket, owner in list(self.jsapi_tickets.items()):
            if owner == appid:
                del self.jsapi_tickets[ticket]
        ticket = secrets.token_urlsafe(64)
        self.jsapi_tickets[ticket] = appid
        return Response.json({"errcode": 0, "errmsg": "ok", "ticket": ticket, "expires_in": 7200})
