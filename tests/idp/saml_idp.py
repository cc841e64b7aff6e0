"""A real SAML 2.0 identity provider (pysaml2) on loopback, for the SSO tests.

    python saml_idp.py PORT SP_ENTITY_ID SP_ACS_URL KEY_FILE CERT_FILE

It serves its metadata at /metadata, takes AuthnRequests at /sso/redirect (HTTP-Redirect
binding), shows a sign-in page asking for an e-mail address (the person the test wants
the IdP to vouch for), and posts a signed response with that address as the e-mail
attribute and NameID to the service provider's assertion consumer service. (The npm
package saml-idp depends on a GitHub tarball that the npm registry alone cannot
install, so pysaml2 stands in, as the brief allows.)"""

from __future__ import annotations

import html
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.authn_context import PASSWORD
from saml2.config import Config, IdPConfig
from saml2.metadata import create_metadata_string, entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256


def build(port: int, sp_entity_id: str, acs_url: str, key: str, cert: str) -> tuple[Server, str]:
    base = f"http://127.0.0.1:{port}"
    sp = Config().load(
        {
            "entityid": sp_entity_id,
            "service": {
                "sp": {"endpoints": {"assertion_consumer_service": [(acs_url, BINDING_HTTP_POST)]}}
            },
        }
    )
    sp_metadata = str(entity_descriptor(sp))
    config = IdPConfig().load(
        {
            "entityid": f"{base}/metadata",
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [(f"{base}/sso/redirect", BINDING_HTTP_REDIRECT)]
                    },
                    "policy": {
                        "default": {"lifetime": {"minutes": 15}, "name_form": NAME_FORMAT_URI}
                    },
                    "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                    "want_authn_requests_signed": False,
                }
            },
            "key_file": key,
            "cert_file": cert,
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "metadata": {"inline": [sp_metadata]},
        }
    )
    server = Server(config=config)
    return server, create_metadata_string(None, config=config, sign=False).decode()


def main() -> None:
    port, sp_entity_id, acs_url, key, cert = sys.argv[1:6]
    server, metadata = build(int(port), sp_entity_id, acs_url, key, cert)

    class Handler(BaseHTTPRequestHandler):
        def _send(self, body: str, status: int = 200, content_type: str = "text/html") -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path == "/metadata":
                return self._send(metadata, content_type="application/samlmetadata+xml")
            if url.path == "/sso/redirect":
                query = parse_qs(url.query)
                saml_request = query["SAMLRequest"][0]
                relay = query.get("RelayState", [""])[0]
                server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT)  # must parse
                return self._send(
                    "<!doctype html><html lang='en'><title>Test IdP</title><h1>Test SAML IdP</h1>"
                    "<form method='post' action='/sso/login'>"
                    "<label>E-mail <input name='email' type='email'></label>"
                    f"<input type='hidden' name='SAMLRequest' value='{html.escape(saml_request)}'>"
                    f"<input type='hidden' name='RelayState' value='{html.escape(relay)}'>"
                    "<button type='submit'>Sign in at the IdP</button></form>"
                )
            return self._send("not found", 404)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = parse_qs(self.rfile.read(length).decode())
            email = form["email"][0]
            request = server.parse_authn_request(form["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
            args = server.response_args(request.message)
            response = server.create_authn_response(
                {"mail": [email], "givenName": [email.split("@")[0]]},
                userid=email,
                name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
                authn={"class_ref": PASSWORD, "authn_auth": "test-idp"},
                sign_response=True,
                sign_assertion=True,
                sign_alg=SIG_RSA_SHA256,
                digest_alg=DIGEST_SHA256,
                **args,
            )
            http = server.apply_binding(
                BINDING_HTTP_POST,
                str(response),
                args["destination"],
                form.get("RelayState", [""])[0],
                response=True,
            )
            return self._send(http["data"])

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", int(port)), Handler)
    print(f"saml idp listening on http://127.0.0.1:{port}", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
