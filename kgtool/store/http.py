"""A small HTTP client for SPARQL servers: form-encoded POSTs, basic or digest auth sent up front, clear errors.

One client serves the SPARQL 1.1 Protocol (query, update) and the Graph Store HTTP Protocol with the same
authentication, timeouts and error messages. Credentials come from ``KGTOOL_USER``/``KGTOOL_PASSWORD`` or
``~/.netrc``, never from the command line, and are never printed.
"""

from __future__ import annotations

import base64
import http.client
import netrc
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from kgtool.deadline import Deadline
from kgtool.errors import KgtoolError
from kgtool.store.digest import Challenge, DigestAuth, parse_challenge


class EndpointError(KgtoolError):
    """The server could not be reached or refused a request: names the endpoint and what failed (exit 2)."""

    def __init__(self, url: str, what: str) -> None:
        self.url = url
        super().__init__(f"{' '.join(what.split())} ({_redact(url)})")  # one line, whatever the server sent


class EndpointTimeoutError(EndpointError):
    """The server did not answer in time: the request may have run there, or may still be running."""


def _command_timeout(deadline: Deadline) -> str:
    return f"the command's KGTOOL_TIMEOUT of {deadline.seconds:g} s"


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


#: A body up to this size may go out before the server's digest challenge is known (it is sent again, signed, if
#: refused); a larger one waits for a small signed request first, so it is never sent unauthenticated.
SMALL_BODY = 64 * 1024
_UNAUTHORISED = "HTTP 401 (check KGTOOL_USER/KGTOOL_PASSWORD or ~/.netrc)"


class _RefusedError(Exception):
    """A 401 answer, with the digest challenge it carried (internal: becomes an EndpointError or a retry)."""

    def __init__(self, challenge: Challenge | None) -> None:
        self.challenge = challenge


class HttpClient:
    """Sends requests to one server with its auth scheme ('basic', 'digest' or None).

    Credentials go with every request, computed here: basic auth from the first request on; digest auth from the
    server's first challenge on, which a small request fetches before any large body is sent (``SMALL_BODY``).
    A request refused because its nonce went stale is signed afresh and sent once more.
    """

    def __init__(
        self, auth_url: str, auth: str | None, timeout: float = 60.0, deadline: Deadline | None = None
    ) -> None:
        self.timeout = timeout
        #: The command's KGTOOL_TIMEOUT: every request gets at most what is left of it.
        self.deadline = deadline or Deadline(None)
        self.auth_url = auth_url
        found = credentials(auth_url) if auth else None
        self._basic: str | None = None
        self._digest: DigestAuth | None = None
        if found is not None and auth == "digest":
            self._digest = DigestAuth(*found)
        elif found is not None:
            user, password = found
            self._basic = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self.opener = urllib.request.build_opener()

    def request(
        self,
        method: str,
        url: str,
        what: str,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200, 201, 204),
        timeout: float | None = None,
    ) -> Response:
        """Send one request; any failure is an EndpointError naming the endpoint and ``what`` failed.

        ``timeout`` (seconds) replaces the client's for this request.
        """
        if self._digest is not None and not self._digest.ready and data is not None and len(data) > SMALL_BODY:
            # Learn the server's nonce with a small request, so the large body goes out signed.
            self.form(self.auth_url, [("query", "ASK {}")], what, "application/sparql-results+json")
        for attempt in (1, 2):
            request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
            sent_nonce = self._authorise(request, url, what)
            try:
                return self._send(request, url, what, ok, self.timeout if timeout is None else timeout)
            except _RefusedError as refused:
                if attempt == 1 and self._digest is not None and self._digest.renew(refused.challenge, sent_nonce):
                    continue
                raise EndpointError(url, f"{what}: {_UNAUTHORISED}") from None
        raise AssertionError("unreachable")

    def _authorise(self, request: urllib.request.Request, url: str, what: str) -> str | None:
        """Add the Authorization header, if there are credentials; return the digest nonce it uses."""
        if self._basic is not None:
            request.add_header("Authorization", self._basic)
        if self._digest is None:
            return None
        try:
            header, nonce = self._digest.authorization(request.get_method(), request.selector)
        except ValueError as error:
            raise EndpointError(url, f"{what}: {error}") from None
        if header is not None:
            request.add_header("Authorization", header)
        return nonce

    def _send(
        self, request: urllib.request.Request, url: str, what: str, ok: tuple[int, ...], timeout: float
    ) -> Response:
        timeout, bounded = self.deadline.cap(timeout)
        if timeout <= 0:
            raise EndpointTimeoutError(url, f"{what}: {_command_timeout(self.deadline)} passed before it was sent")
        try:
            with self.opener.open(request, timeout=timeout) as reply:
                response = Response(reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read())
        except urllib.error.HTTPError as error:
            body = error.read()[:300].decode("utf-8", "replace").strip().replace("\n", " ")
            if error.code == 401:
                raise _RefusedError(parse_challenge(error.headers.get("WWW-Authenticate"))) from None
            if error.code == 403:
                raise EndpointError(url, f"{what}: HTTP 403 (permission denied)") from None
            if error.code in ok:
                return Response(error.code, {k.lower(): v for k, v in error.headers.items()}, b"")
            raise EndpointError(url, f"{what}: HTTP {error.code} {body}".rstrip()) from None
        except TimeoutError:
            limit = _command_timeout(self.deadline) if bounded else f"{timeout:g} s"
            raise EndpointTimeoutError(url, f"{what}: no answer within {limit}") from None
        except urllib.error.URLError as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):
                limit = _command_timeout(self.deadline) if bounded else f"{timeout:g} s"
                raise EndpointTimeoutError(url, f"{what}: no answer within {limit}") from None
            raise EndpointError(url, f"{what}: cannot reach the server ({reason})") from None
        except ConnectionError as error:
            raise EndpointError(url, f"{what}: connection failed ({error})") from None
        except http.client.HTTPException as error:
            detail = f"{type(error).__name__}: {error}".rstrip(": ")
            raise EndpointError(url, f"{what}: the server's answer is not valid HTTP ({detail[:200]})") from None
        except (OSError, ValueError) as error:
            raise EndpointError(url, f"{what}: request failed ({error})") from None
        if response.status not in ok:
            raise EndpointError(url, f"{what}: unexpected HTTP {response.status}")
        return response

    def form(
        self, url: str, fields: list[tuple[str, str]], what: str, accept: str, timeout: float | None = None
    ) -> Response:
        """POST a form (``application/x-www-form-urlencoded``), the one way every server accepts."""
        body = urllib.parse.urlencode(fields).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        return self.request("POST", url, what, body, headers, timeout=timeout)
