"""The check-in buttons added to a group's introduction keep the message valid."""

from crosspaths.notify.channels.slack import MAX_BLOCKS, with_checkin_buttons

from .fake_slack import blocks_error


def section(i: int) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": f"paragraph {i}"}}


def test_a_full_message_keeps_50_blocks_its_buttons_and_its_footer_last():
    footer = {"type": "context", "elements": [{"type": "mrkdwn", "text": "footer"}]}
    full = {"text": "t", "blocks": [section(i) for i in range(MAX_BLOCKS - 1)] + [footer]}
    body = with_checkin_buttons(full, 7)
    assert len(body["blocks"]) == MAX_BLOCKS
    assert [b["type"] for b in body["blocks"][-2:]] == ["actions", "context"]
    assert blocks_error(body) == ""


def test_a_message_without_footer_ends_with_the_buttons():
    body = with_checkin_buttons({"text": "t", "blocks": [section(1)]}, 7)
    assert body["blocks"][-1]["block_id"] == "crosspaths_checkin"
    assert blocks_error(body) == ""
