"""Error reports to Sentry, only when ``SENTRY_DSN`` is set (settings.py calls
``sentry_init``). Reports carry the stack and the URL pattern (Sentry's transaction
name), never the path or query: sign-in and check-in links carry their token there."""

from __future__ import annotations

from typing import Any


def sentry_scrub(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Drop the request's URL, query string and cookies from a report before it leaves."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("url", "query_string", "cookies", "data"):
            request.pop(key, None)
    return event


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    """Start the Sentry SDK with Django's integration and no personal data."""
    # Only with SENTRY_DSN set (settings.py); the SDK costs ~250 ms at import otherwise.
    import sentry_sdk  # noqa: PLC0415 - start-up cost, not a cycle
    from sentry_sdk.integrations.django import DjangoIntegration  # noqa: PLC0415 - as above

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(transaction_style="url")],
        before_send=sentry_scrub,  # type: ignore[arg-type]  # sentry-sdk's Event type is a TypedDict; the scrubber takes any dict
    )
