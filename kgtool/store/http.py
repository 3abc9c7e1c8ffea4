"""The HTTP client for SPARQL servers: form-encoded POSTs, basic or digest auth, clear errors.

One client (``requests``) serves the SPARQL 1.1 Protocol (query, update) and the Graph Store HTTP Protocol with
the same authentication, timeouts and error messages. Credentials come from ``KGTOOL_USER``/``KGTOOL_PASSWORD`` or
``~/.netrc``, never from the command line, and are never printed. Digest authentication is requests'
``HTTPDigestAuth``: after the server's first challenge it signs every request with the kept nonce (and a stale
nonce is signed afresh once), so only a small request ever goes out before the nonce is known.
"""

from __future__ import annotations

import netrc
import os
import threading
import urllib.parse
from dataclasses import dataclass

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from kgtool.deadline import Deadline
from kgtool.errors import KgtoolError


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


#: A body up to this size may go out before the server's digest challenge is known (requests sends it again,
#: signed, when refused); a larger one waits for a small signed request first, so it is never sent unauthenticated.
SMALL_BODY = 64 * 1024
_UNAUTHORISED = "HTTP 401 (check KGTOOL_USER/KGTOOL_PASSWORD or ~/.netrc)"


class HttpClient:
    """Sends requests to one server with its auth scheme ('basic', 'digest' or None).

    Basic credentials go with every request from the first on. Digest credentials go with every request from the
    server's first challenge on, which a small request fetches before any large body is sent (``SMALL_BODY``);
    requests keeps the challenge per thread, so each thread learns it once.
    """

    def __init__(
        self, auth_url: str, auth: str | None, timeout: float = 60.0, deadline: Deadline | None = None
    ) -> None:
        self.timeout = timeout
        #: The command's KGTOOL_TIMEOUT: every request gets at most what is left of it.
        self.deadline = deadline or Deadline(None)
        self.auth_url = auth_url
        found = credentials(auth_url) if auth else None
        self._auth: AuthBase | None = None
        self._digest = found is not None and auth == "digest"
        if found is not None:
            self._auth = HTTPDigestAuth(*found) if self._digest else HTTPBasicAuth(*found)
        self._challenged = threading.local()
        self.session = requests.Session()
        # Neither proxies nor ~/.netrc from the environment through requests: kgtool talks to the endpoint it is
        # given, and sends the credentials it looked up itself (credentials()) only to a profile that wants them.
        self.session.trust_env = False

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
        large = data is not None and len(data) > SMALL_BODY
        if self._digest and large and not getattr(self._challenged, "done", False):
            # Learn the server's nonce with a small request, so the large body goes out signed.
            self.form(self.auth_url, [("query", "ASK {}")], what, "application/sparql-results+json")
        response = self._send(method, url, what, data, headers or {}, self.timeout if timeout is None else timeout)
        if response.status == 401:
            raise EndpointError(url, f"{what}: {_UNAUTHORISED}")
        if self._digest:
            self._challenged.done = True
        if response.status == 403:
            raise EndpointError(url, f"{what}: HTTP 403 (permission denied)")
        if response.status in ok:
            return response
        if response.status >= 400:
            body = response.body[:300].decode("utf-8", "replace").strip().replace("\n", " ")
            raise EndpointError(url, f"{what}: HTTP {response.status} {body}".rstrip())
        raise EndpointError(url, f"{what}: unexpected HTTP {response.status}")

    def _send(
        self, method: str, url: str, what: str, data: bytes | None, headers: dict[str, str], timeout: float
    ) -> Response:
        timeout, bounded = self.deadline.cap(timeout)
        if timeout <= 0:
            raise EndpointTimeoutError(url, f"{what}: {_command_timeout(self.deadline)} passed before it was sent")
        try:
            reply = self.session.request(
                method, url, data=data, headers=headers, auth=self._auth, timeout=timeout, allow_redirects=False
            )
            return Response(reply.status_code, {k.lower(): v for k, v in reply.headers.items()}, reply.content)
        except requests.Timeout:
            limit = _command_timeout(self.deadline) if bounded else f"{timeout:g} s"
            raise EndpointTimeoutError(url, f"{what}: no answer within {limit}") from None
        except requests.ConnectionError as error:
            raise EndpointError(url, f"{what}: cannot reach the server ({_reason(error)})") from None
        except requests.RequestException as error:
            detail = f"{type(error).__name__}: {_reason(error)}".rstrip(": ")
            raise EndpointError(url, f"{what}: the server's answer is not valid HTTP ({detail[:200]})") from None
        except (OSError, ValueError) as error:
            raise EndpointError(url, f"{what}: request failed ({error})") from None

    def form(
        self, url: str, fields: list[tuple[str, str]], what: str, accept: str, timeout: float | None = None
    ) -> Response:
        """POST a form (``application/x-www-form-urlencoded``), the one way every server accepts."""
        body = urllib.parse.urlencode(fields).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        return self.request("POST", url, what, body, headers, timeout=timeout)


def _reason(error: Exception) -> str:
    """Return the innermost cause of a requests error in one line (urllib3 wraps the socket's error twice)."""
    cause: BaseException = error
    while cause.__context__ is not None and len(str(cause.__context__)) < len(str(cause)):
        cause = cause.__context__
    return " ".join(str(cause).split())
