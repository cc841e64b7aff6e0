"""slack_sdk's WebClient, set up for the outbox.

No retry handlers for delivery: slack_sdk by default retries a call once when the
connection breaks, which for chat.postMessage can post a message twice. The outbox
retries instead, knowing what is safe to repeat. Look-ups (reads) may wait for a rate
limit inside the call (``reads=True``): repeating them is harmless.
"""

from __future__ import annotations

from django.conf import settings
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler


def web_client(token: str | None = None, *, reads: bool = False) -> WebClient:
    base_url = settings.SLACK_API_URL
    if not base_url.endswith("/"):
        base_url += "/"
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=int(max(1, settings.SLACK_TIMEOUT_SECONDS)),
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=5)] if reads else [],
    )
