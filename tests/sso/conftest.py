"""Real identity providers on loopback for the SSO tests, started and stopped by these
fixtures: node's oidc-provider (tests/idp/oidc.mjs, installed with ``npm ci`` in
tests/idp/) and a pysaml2 SAML IdP (tests/idp/saml_idp.py). Nothing is mocked."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from crosspaths.people.models import Organization
from crosspaths.sso.models import IdentityProvider
from crosspaths.sso.services import email_domain_verify, saml_metadata_read

from ..conftest import REQUIRE_SERVICES

IDP_DIR = Path(__file__).resolve().parent.parent / "idp"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(cmd: list[str], *, cwd: Path) -> subprocess.Popen[str]:
    """Start an IdP and wait for its "listening" line (or fail with what it said)."""
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if "listening" in line:
            return proc
        if len(seen) > 50:
            break
    proc.kill()
    raise RuntimeError("identity provider did not start:\n" + "".join(seen))


def _need(what: str, ok: bool) -> None:
    if not ok:
        message = f"needs {what} (.ci/run installs it)"
        if REQUIRE_SERVICES:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture
def oidc_idp(live_server) -> Iterator[Callable[[Organization], str]]:
    """``start(org)``: run a real OpenID Connect provider for ``org`` and configure it as
    the organization's identity provider (enabled). Returns the issuer URL."""
    _need(
        "node and tests/idp/node_modules (cd tests/idp && npm ci)",
        bool(shutil.which("node")) and (IDP_DIR / "node_modules" / "oidc-provider").exists(),
    )
    procs: list[subprocess.Popen[str]] = []

    def start(org: Organization, *, client_id: str = "crosspaths") -> str:
        port = free_port()
        callback = f"{live_server.url}/sso/oidc/org{org.pk}/login/callback/"
        procs.append(
            _start(["node", "oidc.mjs", str(port), client_id, "s3cret", callback], cwd=IDP_DIR)
        )
        issuer = f"http://127.0.0.1:{port}"
        IdentityProvider.objects.update_or_create(
            organization=org,
            defaults={
                "protocol": IdentityProvider.Protocol.OIDC,
                "oidc_issuer": issuer,
                "oidc_client_id": client_id,
                "oidc_client_secret": "s3cret",
                "enabled": True,
            },
        )
        return issuer

    yield start
    for proc in procs:
        proc.kill()
        proc.wait()


def _key_and_cert(folder: Path) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test-idp.localhost")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / "idp.key", folder / "idp.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


@pytest.fixture
def saml_idp(live_server, tmp_path) -> Iterator[Callable[[Organization], str]]:
    """``start(org)``: run a real SAML 2.0 IdP (pysaml2) for ``org`` and configure it from
    its metadata URL as the organization's identity provider (enabled)."""
    _need("xmlsec1 (apt-get install xmlsec1)", bool(shutil.which("xmlsec1")))
    procs: list[subprocess.Popen[str]] = []

    def start(org: Organization) -> str:
        port = free_port()
        key, cert = _key_and_cert(tmp_path)
        base = f"{live_server.url}/sso/saml/org{org.pk}"
        cmd = [
            sys.executable,
            "saml_idp.py",
            str(port),
            f"{base}/metadata/",
            f"{base}/acs/",
            str(key),
            str(cert),
        ]
        procs.append(_start(cmd, cwd=IDP_DIR))
        metadata_url = f"http://127.0.0.1:{port}/metadata"
        read = saml_metadata_read(url=metadata_url)
        IdentityProvider.objects.update_or_create(
            organization=org,
            defaults={
                "protocol": IdentityProvider.Protocol.SAML,
                "saml_metadata_url": metadata_url,
                "saml_entity_id": read["entity_id"],
                "saml_sso_url": read["sso_url"],
                "saml_x509cert": read["x509cert"],
                "enabled": True,
            },
        )
        return metadata_url

    yield start
    for proc in procs:
        proc.kill()
        proc.wait()


def verify(org: Organization, domain: str) -> None:
    email_domain_verify(organization=org, domain=domain)
