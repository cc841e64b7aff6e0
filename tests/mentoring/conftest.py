"""The browser tests share the web tests' onboarded cast."""

from tests.web.conftest import onboarded  # noqa: F401
