"""A stand-in for Supabase Auth (GoTrue): the password grant and the user endpoint.

It answers `POST /auth/v1/token?grant_type=password` and `GET /auth/v1/user` as
GoTrue does (same JSON shapes, HS256 access tokens with audience
"authenticated"), so the real `supabase_auth` client talks to it unchanged.
`token_mode` makes it misbehave: "expired" issues tokens that have already
expired, "wrong-key" signs them with a key the app does not know (and its user
endpoint, like an impostor's, vouches for them anyway: only the app's own
signature check can catch them).
"""

from __future__ import annotations

import dataclasses
import http.server
import json
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlparse

import jwt

JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long"
ANON_KEY = "anon-key-for-tests"


@dataclasses.dataclass
class GoTrueUser:
    email: str
    password: str
    id: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
    confirmed: bool = True
    user_metadata: dict[str, Any] = dataclasses.field(default_factory=dict)
    app_metadata: dict[str, Any] = dataclasses.field(default_factory=lambda: {"provider": "email"})

    def as_json(self) -> dict[str, Any]:
        now = datetime.now(UTC).isoformat()
        return {
            "id": self.id,
            "aud": "authenticated",
            "role": "authenticated",
            "email": self.email,
            "email_confirmed_at": now if self.confirmed else None,
            "confirmed_at": now if self.confirmed else None,
            "created_at": now,
            "updated_at": now,
            "app_metadata": self.app_metadata,
            "user_metadata": self.user_metadata,
            "identities": [],
            "is_anonymous": False,
        }


class FakeGoTrue:
    def __init__(self) -> None:
        self.users: dict[str, GoTrueUser] = {}
        self.token_mode = "valid"
        self.requests: list[str] = []
        self._server: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}"

    def add(self, email: str, password: str, **fields: Any) -> GoTrueUser:
        user = GoTrueUser(email=email, password=password, **fields)
        self.users[email] = user
        return user

    def token_for(self, user: GoTrueUser) -> str:
        now = int(time.time())
        expires = now - 60 if self.token_mode == "expired" else now + 3600
        key = "a-different-key-that-the-app-has-never-seen-000" if self.token_mode == "wrong-key" else JWT_SECRET
        claims = {"sub": user.id, "aud": "authenticated", "role": "authenticated", "email": user.email}
        return jwt.encode({**claims, "iat": now - 120, "exp": expires}, key, algorithm="HS256")

    def user_for_token(self, token: str) -> GoTrueUser | None:
        try:
            if self.token_mode == "wrong-key":
                claims = jwt.decode(token, options={"verify_signature": False})
            else:
                claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"], audience="authenticated")
        except jwt.PyJWTError:
            return None
        return next((u for u in self.users.values() if u.id == claims["sub"]), None)

    def start(self) -> FakeGoTrue:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


class _Handler(http.server.BaseHTTPRequestHandler):
    fake: ClassVar[FakeGoTrue]

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        url = urlparse(self.path)
        self.fake.requests.append(f"POST {url.path}")
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        if self.headers.get("apikey") != ANON_KEY:
            return self._reply(401, {"message": "Invalid API key"})
        if url.path != "/auth/v1/token" or parse_qs(url.query).get("grant_type") != ["password"]:
            return self._reply(404, {"message": "not found"})
        user = self.fake.users.get(body.get("email", ""))
        if user is None or user.password != body.get("password"):
            return self._reply(
                400, {"error": "invalid_grant", "error_description": "Invalid login credentials", "code": 400}
            )
        token = self.fake.token_for(user)
        return self._reply(
            200,
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": 3600,
                "expires_at": int(time.time()) + 3600,
                "refresh_token": uuid.uuid4().hex,
                "user": user.as_json(),
            },
        )

    def do_GET(self):
        url = urlparse(self.path)
        self.fake.requests.append(f"GET {url.path}")
        if url.path != "/auth/v1/user":
            return self._reply(404, {"message": "not found"})
        token = self.headers.get("authorization", "").removeprefix("Bearer ").strip()
        user = self.fake.user_for_token(token)
        if user is None:
            return self._reply(401, {"code": 401, "error_code": "bad_jwt", "msg": "invalid JWT"})
        return self._reply(200, user.as_json())

    def log_message(self, *args):
        pass
