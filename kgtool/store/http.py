"""A small HTTP client for SPARQL servers: form-encoded POSTs, basic or digest auth, clear errors.

One client serves the SPARQL 1.1 Protocol (query, update) and the Graph Store HTTP Protocol with the same
authentication, timeouts and error messages. Credentials come from ``KGTOOL_USER``/``KGTOOL_PASSWORD`` or
``~/.netrc``, never from the command line, and are never printed.
"""

from __future__ import annotations

import netrc
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from kgtool.errors import KgtoolError


class EndpointError(KgtoolError):
    """The server could not be reached or refused a request: names the endpoint and what failed (exit 2)."""

    def __init__(self, url: str, what: str) -> None:
        self.url = url
        super().__init__(f"{what} ({_redact(url)})")


class EndpointTimeoutError(EndpointError):
    """The server did not answer in time: the request may have run there, or may still be running."""


def _redact(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


@dataclass
class Response:
    """What a request returned."""

    status: int
    headers: dict[str, str]
    body: bytes


def credentials(url: str) -> tuple[str, str] | None:
    """Return (user, password) for a URL from KGTOOL_USER/KGTOOL_PASSWORD, else from ~/.netrc, else None."""
    user, password = os.environ.get("KGTOOL_USER"), os.environ.get("KGTOOL_PASSWORD")
    if user and password is not None:
        return user, password
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        entry = netrc.netrc().authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError):
        return None
    if entry is None:
        return None
    login, _account, secret = entry
    return (login, secret or "") if login else None


class HttpClient:
    """Sends requests to one server with its auth scheme ('basic', 'digest' or None)."""

    def __init__(self, auth_url: str, auth: str | None, timeout: float = 60.0) -> None:
        self.timeout = timeout
        handlers: list[urllib.request.BaseHandler] = []
        found = credentials(auth_url) if auth else None
        if found is not None:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            parts = urllib.parse.urlsplit(auth_url)
            manager.add_password(None, f"{parts.scheme}://{parts.netloc}/", *found)
            handler = urllib.request.HTTPDigestAuthHandler if auth == "digest" else urllib.request.HTTPBasicAuthHandler
            handlers.append(handler(manager))
        self.opener = urllib.request.build_opener(*handlers)

    def request(
        self,
        method: str,
        url: str,
        what: str,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200, 201, 204),
    ) -> Response:
        """Send one request; any failure is an EndpointError naming the endpoint and ``what`` failed."""
        request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        try:
            with self.opener.open(request, timeout=self.timeout) as reply:
                response = Response(reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read())
        except urllib.error.HTTPError as error:
            body = error.read()[:300].decode("utf-8", "replace").strip().replace("\n", " ")
            if error.code in (401, 403):
                hint = "check KGTOOL_USER/KGTOOL_PASSWORD or ~/.netrc" if error.code == 401 else "permission denied"
                raise EndpointError(url, f"{what}: HTTP {error.code} ({hint})") from None
            if error.code in ok:
                return Response(error.code, {k.lower(): v for k, v in error.headers.items()}, b"")
            raise EndpointError(url, f"{what}: HTTP {error.code} {body}".rstrip()) from None
        except TimeoutError:
            raise EndpointTimeoutError(url, f"{what}: no answer within {self.timeout:.0f} s") from None
        except urllib.error.URLError as error:
            reason = getattr(error, "reason", error)
            raise EndpointError(url, f"{what}: cannot reach the server ({reason})") from None
        except ConnectionError as error:
            raise EndpointError(url, f"{what}: connection failed ({error})") from None
        if response.status not in ok:
            raise EndpointError(url, f"{what}: unexpected HTTP {response.status}")
        return response

    def form(self, url: str, fields: list[tuple[str, str]], what: str, accept: str) -> Response:
        """POST a form (``application/x-www-form-urlencoded``), the one way every server accepts."""
        body = urllib.parse.urlencode(fields).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        return self.request("POST", url, what, body, headers)
