"""Emulator of QQ Connect (QQ 互联) OAuth 2.0 and get_user_info (graph.qq.com).

- GET /oauth2.0/authorize (response_type=code, client_id, redirect_uri, state, scope): the
  authorize page of the current person (`login_as`) with a "授权并登录" button; POST
  /oauth2.0/authorize (the button) issues a code: 302 to redirect_uri?code=CODE&state=STATE.
  Unknown client_id: an error page (100008), a redirect_uri off the app's domain: 100010.
- GET /oauth2.0/token (grant_type=authorization_code, client_id, client_secret, code,
  redirect_uri[, fmt=json]): the token as JSON with fmt=json, else as a query string; errors
  {"error": n, "error_description"} (JSONP "callback( ... );" without fmt=json): 100000/100001/
  100002/100005 missing parameters, 100008 unknown client_id, 100009 wrong secret, 100019 bad
  code, 100020 code used.
- GET /oauth2.0/me (access_token[, fmt=json]): {"client_id", "openid"}; 100016 bad token.
- GET /user/get_user_info (access_token, oauth_consumer_key, openid): {"ret": 0, ...profile};
  {"ret": 100016} bad token, {"ret": -1} openid or app mismatch.
HTTP status is 200 throughout, as QQ does. Openids differ per app.
"""

from __future__ import annotations

import hashlib
import html
import json
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from tests.emulators.base import Emulator, Request, Response


@dataclass
class QQPerson:
    key: str
    nickname: str = "QQ用户"
    gender: str = "男"
    province: str = "广东"
    city: str = "深圳"
    year: str = "1990"
    figureurl_qq_2: str = "http://thirdqq.qlogo.cn/g?b=oidb&k=emulated&s=100"


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    person: QQPerson
    used: bool = False


class QQEmulator(Emulator):
    def __init__(self, apps: dict[str, str]) -> None:
        super().__init__()
        self.apps = dict(apps)  # app id -> app key (the client secret)
        self.person: QQPerson | None = None
        self.grants: dict[str, _Grant] = {}
        self.tokens: dict[str, tuple[str, QQPerson]] = {}

    def login_as(self, person: QQPerson) -> QQPerson:
        self.person = person
        return person

    def openid(self, client_id: str, person: QQPerson) -> str:
        return hashlib.md5(f"{client_id}:{person.key}".encode()).hexdigest().upper()

    def handle(self, request: Request) -> Response:
        routes = {
            ("GET", "/oauth2.0/authorize"): self._authorize_page,
            ("POST", "/oauth2.0/authorize"): self._authorize,
            ("GET", "/oauth2.0/token"): self._token,
            ("GET", "/oauth2.0/me"): self._me,
            ("GET", "/user/get_user_info"): self._user_info,
        }
        route = routes.get((request.method, request.path))
        return route(request) if route else Response(404, b"not found")

    # --- the page a person sees ------------------------------------------------------------
    def _check_authorize(self, params: dict[str, str]) -> Response | None:
        if params.get("response_type") != "code":
            return Response(200, "error 100000: 缺少参数response_type或response_type非法".encode())
        if params.get("client_id") not in self.apps:
            return Response(200, "error 100008: client_id不存在".encode())
        if urlsplit(params.get("redirect_uri", "")).scheme not in ("http", "https"):
            return Response(200, "error 100010: 回调地址不合法".encode())
        if self.person is None:
            return Response(403, b"nobody is signed in to the emulator")
        return None

    def _authorize_page(self, request: Request) -> Response:
        refused = self._check_authorize(request.query)
        if refused is not None:
            return refused
        assert self.person is not None
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in request.query.items()
        )
        page = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>QQ登录</title></head><body>
<h1>QQ登录</h1><p>{html.escape(self.person.nickname)}，授权后该网站将获得：你的昵称、头像、性别及地区。</p>
<form method="post" action="/oauth2.0/authorize">{hidden}
<button type="submit" id="authorize">授权并登录</button></form></body></html>"""
        return Response(200, page.encode(), {"Content-Type": "text/html; charset=utf-8"})

    def _authorize(self, request: Request) -> Response:
        params = request.form()
        refused = self._check_authorize(params)
        if refused is not None:
            return refused
        assert self.person is not None
        code = secrets.token_hex(16).upper()
        redirect_uri = params["redirect_uri"]
        self.grants[code] = _Grant(params["client_id"], redirect_uri, self.person)
        separator = "&" if "?" in redirect_uri else "?"
        query = urlencode({"code": code, "state": params.get("state", "")})
        return Response.redirect(f"{redirect_uri}{separator}{query}")

    # --- server calls ----------------------------------------------------------------------
    @staticmethod
    def _answer(data: dict[str, object], as_json: bool) -> Response:
        if as_json:
            return Response.json(data)
        if "error" in data:
            text = f"callback( {json.dumps(data, ensure_ascii=False)} );\n"
            return Response(200, text.encode(), {"Content-Type": "text/html"})
        return Response(200, urlencode(data).encode(), {"Content-Type": "text/html"})

    def _token(self, request: Request) -> Response:
        query = request.query
        as_json = query.get("fmt") == "json"

        def error(code: int, text: str) -> Response:
            return self._answer({"error": code, "error_description": text}, as_json)

        for name, code in (
            ("grant_type", 100000),
            ("client_id", 100001),
            ("client_secret", 100002),
            ("redirect_uri", 100005),
        ):
            if not query.get(name):
                return error(code, f"param {name} is wrong or lost")
        if query["client_id"] not in self.apps:
            return error(100008, "client_id is not exist")
        if query["client_secret"] != self.apps[query["client_id"]]:
            return error(100009, "client_secret is error")
        grant = self.grants.get(query.get("code", ""))
        if grant is None or grant.client_id != query["client_id"]:
            return error(100019, "code to access token error")
        if grant.used:
            return error(100020, "code is reused error")
        if query["redirect_uri"] != grant.redirect_uri:
            return error(100010, "redirect uri is illegal")
        grant.used = True
        token = secrets.token_hex(16).upper()
        self.tokens[token] = (grant.client_id, grant.person)
        return self._answer(
            {
                "access_token": token,
                "expires_in": "7776000",
                "refresh_token": secrets.token_hex(16).upper(),
            },
            as_json,
        )

    def _me(self, request: Request) -> Response:
        as_json = request.query.get("fmt") == "json"
        owner = self.tokens.get(request.query.get("access_token", ""))
        if owner is None:
            return self._answer(
                {"error": 100016, "error_description": "access token check failed"}, as_json
            )
        client_id, person = owner
        answer = {"client_id": client_id, "openid": self.openid(client_id, person)}
        if as_json:
            return Response.json(answer)
        return Response(200, f"callback( {json.dumps(answer)} );\n".encode())

    def _user_info(self, request: Request) -> Response:
        query = request.query
        owner = self.tokens.get(query.get("access_token", ""))
        if owner is None:
            return Response.json({"ret": 100016, "msg": "access token check failed"})
        client_id, person = owner
        if query.get("oauth_consumer_key") != client_id:
            return Response.json({"ret": -1, "msg": "invalid oauth_consumer_key"})
        if query.get("openid") != self.openid(client_id, person):
            return Response.json({"ret": -1, "msg": "invalid openid"})
        return Response.json(
            {
                "ret": 0,
                "msg": "",
                "is_lost": 0,
                "nickname": person.nickname,
                "gender": person.gender,
                "gender_type": 1 if person.gender == "男" else 2,
                "province": person.province,
                "city": person.city,
                "year": person.year,
                "figureurl": person.figureurl_qq_2,
                "figureurl_1": person.figureurl_qq_2,
                "figureurl_2": person.figureurl_qq_2,
                "figureurl_qq_1": person.figureurl_qq_2.replace("s=100", "s=40"),
                "figureurl_qq_2": person.figureurl_qq_2,
                "is_yellow_vip": "0",
                "vip": "0",
            }
        )
