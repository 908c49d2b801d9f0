#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A bearer token server for the registry tests (the distribution token
flow, docker-registry's `auth: token:`), Python's standard library only.

    token-server.py DIR PORT USER PASSWORD SERVICE ISSUER

serves GET /token?service=S&scope=repository:NAME:ACTIONS[&scope=...] on
127.0.0.1:PORT.  Anonymous requests get the pull actions they ask for; with
HTTP basic credentials USER:PASSWORD every action; wrong credentials a 401.
The token is a JWT signed RS256 with DIR/token.key (made here with openssl
on first start, its certificate DIR/token.crt is the registry's
rootcertbundle and goes in the token's x5c header).  Each request is logged
to DIR/token.log as "USER SCOPE..." (USER "-" when anonymous), so tests
count how often a client asked."""
import base64
import json
import os
import subprocess
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

DIR, PORT, USER, PASSWORD, SERVICE, ISSUER = sys.argv[1], int(sys.argv[2]), *sys.argv[3:7]
KEY, CRT, LOG = (os.path.join(DIR, n) for n in ("token.key", "token.crt", "token.log"))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_key() -> None:
    if not os.path.exists(CRT):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=libctr test token issuer", "-keyout", KEY, "-out", CRT],
                       check=True, capture_output=True)


def cert_der_b64() -> str:
    der = subprocess.run(["openssl", "x509", "-in", CRT, "-outform", "DER"], check=True,
                         capture_output=True).stdout
    return base64.b64encode(der).decode()


def sign(data: bytes) -> bytes:
    return subprocess.run(["openssl", "dgst", "-sha256", "-sign", KEY], input=data, check=True,
                          capture_output=True).stdout


def access(scopes, authenticated):
    out = []
    for scope in scopes:
        for one in scope.split(" "):
            parts = one.split(":")
            if len(parts) < 3 or parts[0] != "repository":
                continue
            name, actions = ":".join(parts[1:-1]), parts[-1].split(",")
            granted = [a for a in actions if authenticated or a == "pull"]
            out.append({"type": "repository", "name": name, "actions": granted})
    return out


def token(scopes, user) -> str:
    now = int(time.time())
    header = {"typ": "JWT", "alg": "RS256", "x5c": [X5C]}
    claims = {"iss": ISSUER, "sub": user or "", "aud": SERVICE, "exp": now + 300, "nbf": now - 10,
              "iat": now, "jti": f"{now}-{os.urandom(6).hex()}", "access": access(scopes, user is not None)}
    signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
    return signing_input.decode() + "." + b64url(sign(signing_input))


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def user(self):
        """None (anonymous), the user, or False (wrong credentials)."""
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Basic "):
            return None
        try:
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        except ValueError:
            return False
        return user if (user, password) == (USER, PASSWORD) else False

    def reply(self, status, doc):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query)
        user = self.user()
        scopes = query.get("scope", [])
        with open(LOG, "a") as log:
            log.write(f"{user if user else '-'} {' '.join(scopes)}\n")
        if url.path != "/token" or query.get("service", [""])[0] != SERVICE:
            return self.reply(404, {"errors": [{"code": "NOT_FOUND", "message": "no such service"}]})
        if user is False:
            return self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "wrong credentials"}]})
        t = token(scopes, user)
        self.reply(200, {"token": t, "access_token": t, "expires_in": 300})


make_key()
X5C = cert_der_b64()
HTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
