"""HTTP digest access authentication (RFC 7616, which keeps RFC 2617's MD5), computed by kgtool itself.

urllib's digest handler answers a challenge only after a request was refused, so it sends every body once
unauthenticated; a server that refuses a large upload early (Virtuoso) closes the connection while the body is
still being written ("Broken pipe"). Here the client keeps the server's nonce from its first challenge and signs
every later request with it (a new cnonce and the next nonce count each time), so a body goes out authenticated.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass

_HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}
#: One auth-param: name=token or name="quoted string" (a backslash quotes the next character).
_PARAM = re.compile(r'([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))')


@dataclass(frozen=True)
class Challenge:
    """The parameters of a server's ``WWW-Authenticate: Digest ...`` challenge that a response needs."""

    realm: str
    nonce: str
    qop: tuple[str, ...] = ()
    opaque: str | None = None
    algorithm: str = "MD5"
    stale: bool = False


def parse_challenge(header: str | None) -> Challenge | None:
    """Return the Digest challenge of a ``WWW-Authenticate`` header, or None when it offers no digest."""
    if not header:
        return None
    found = re.search(r"(?:^|[\s,])Digest\s+", header, re.IGNORECASE)
    if found is None:
        return None
    params = {}
    for match in _PARAM.finditer(header, found.end()):
        value = match.group(3) if match.group(2) is None else re.sub(r"\\(.)", r"\1", match.group(2))
        params.setdefault(match.group(1).lower(), value)
    if "nonce" not in params:
        return None
    return Challenge(
        realm=params.get("realm", ""),
        nonce=params["nonce"],
        qop=tuple(q.strip().lower() for q in params.get("qop", "").split(",") if q.strip()),
        opaque=params.get("opaque"),
        algorithm=params.get("algorithm", "MD5"),
        stale=params.get("stale", "").lower() == "true",
    )


def _hash(algorithm: str, text: str) -> str:
    function = _HASHES.get(algorithm.upper().removesuffix("-SESS"))
    if function is None:
        raise ValueError(f"the server asks for digest algorithm {algorithm}; kgtool supports MD5 and SHA-256")
    return function(text.encode("utf-8")).hexdigest()


def response(
    challenge: Challenge, user: str, password: str, method: str, uri: str, nc: int = 1, cnonce: str = ""
) -> str:
    """Return the ``response`` value for a request (RFC 7616 section 3.4.1; RFC 2069's form without qop)."""
    algorithm = challenge.algorithm
    ha1 = _hash(algorithm, f"{user}:{challenge.realm}:{password}")
    if algorithm.upper().endswith("-SESS"):
        ha1 = _hash(algorithm, f"{ha1}:{challenge.nonce}:{cnonce}")
    ha2 = _hash(algorithm, f"{method}:{uri}")
    if not challenge.qop:
        return _hash(algorithm, f"{ha1}:{challenge.nonce}:{ha2}")
    return _hash(algorithm, f"{ha1}:{challenge.nonce}:{nc:08x}:{cnonce}:auth:{ha2}")


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class DigestAuth:
    """Digest credentials and the server's current challenge, shared by the threads of one client."""

    def __init__(self, user: str, password: str) -> None:
        self._user, self._password = user, password
        self._challenge: Challenge | None = None
        self._count = 0
        self._lock = threading.Lock()

    @property
    def ready(self) -> bool:
        """Whether a challenge is known, so that requests can be signed before they are sent."""
        return self._challenge is not None

    def authorization(self, method: str, uri: str) -> tuple[str | None, str | None]:
        """Return the ``Authorization`` header for a request and the nonce it uses; (None, None) before a challenge.

        ``uri`` is the request target exactly as sent (path and query).
        """
        with self._lock:
            challenge = self._challenge
            if challenge is None:
                return None, None
            self._count += 1
            count = self._count
        if challenge.qop and "auth" not in challenge.qop:
            raise ValueError(f"the server asks for digest qop={','.join(challenge.qop)}; kgtool supports qop=auth")
        cnonce = os.urandom(16).hex()
        digest = response(challenge, self._user, self._password, method, uri, count, cnonce)
        fields = [
            f"username={_quoted(self._user)}",
            f"realm={_quoted(challenge.realm)}",
            f"nonce={_quoted(challenge.nonce)}",
            f"uri={_quoted(uri)}",
            f"algorithm={challenge.algorithm}",
            f"response={_quoted(digest)}",
        ]
        if challenge.opaque is not None:
            fields.append(f"opaque={_quoted(challenge.opaque)}")
        if challenge.qop:
            fields += ["qop=auth", f"nc={count:08x}", f"cnonce={_quoted(cnonce)}"]
        return "Digest " + ", ".join(fields), challenge.nonce

    def renew(self, challenge: Challenge | None, sent_nonce: str | None) -> bool:
        """Take the challenge of a refused request; return whether sending that request again may succeed.

        It may when the request went without credentials, when the server says the nonce was stale, or when
        another thread has meanwhile renewed the nonce; not when the same nonce was refused (wrong credentials).
        """
        if challenge is None:
            return False
        with self._lock:
            current = self._challenge.nonce if self._challenge is not None else None
            if sent_nonce is not None and current != sent_nonce:
                return True  # renewed by another request since this one was signed
            if sent_nonce is None or challenge.stale:
                self._challenge, self._count = challenge, 0
                return True
            return False
