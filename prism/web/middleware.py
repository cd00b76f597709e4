"""ASGI middleware: a hard cap on request bodies and the security headers on every response."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from prism import i18n
from prism.errors import PayloadTooLarge
from prism.schemas import Problem

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        b"script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'",
    ),
]


class LimitsAndHeaders:
    """Refuse bodies over `max_body_bytes` with 413 (declared or streamed) and add headers."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(send)
            return
        received = 0
        too_large = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    too_large = True
                    raise PayloadTooLarge(self._message())
            return message

        async def with_headers(message: Message) -> None:
            # A body parser may turn the error raised above into its own "cannot parse" 400;
            # whatever the app answers once the body was cut off, the client is told 413.
            if too_large:
                if message["type"] == "http.response.start":
                    await self._too_large(send)
                return
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, limited_receive, with_headers)

    def _message(self) -> str:
        return f"The request body is larger than the {self.max_body_bytes / 1048576:g} MiB limit."

    async def _too_large(self, send: Send) -> None:
        problem = Problem(title="Payload too large", status=413, detail=self._message())
        headers = [(b"content-type", b"application/problem+json"), *SECURITY_HEADERS]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": problem.model_dump_json().encode()})


class Speaking:
    """Each request speaks the language its browser asks for (`Accept-Language`) until it is
    known who is asking (`prism.web.deps.identify` then speaks their choice, if they made one)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            asked = dict(scope["headers"]).get(b"accept-language", b"").decode("latin-1")
            with i18n.speaking(i18n.negotiate(asked)):
                await self.app(scope, receive, send)
            return
        await self.app(scope, receive, send)
