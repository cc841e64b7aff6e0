"""Reading the development mailbox: the e-mails Django's file backend wrote to
``EMAIL_FILE_PATH`` (var/mail/), one file per connection, messages separated by a
line of 79 dashes."""

from __future__ import annotations

import email
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

from crosspaths.request_numbers import whole_number

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


@dataclass
class Letter:
    id: str  # "<file name>:<index>"
    message: EmailMessage
    modified: float

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def to(self) -> str:
        return str(self.message["To"] or "")

    @property
    def date(self) -> str:
        return str(self.message["Date"] or "")

    def part(self, content_type: str) -> str:
        body = self.message.get_body(preferencelist=(content_type.split("/")[1],))
        return body.get_content() if body is not None else ""

    def attachments(self) -> list[tuple[str, str, bytes]]:
        return [
            (a.get_filename() or "attachment", a.get_content_type(), a.get_payload(decode=True))  # type: ignore[misc]  # decode=True: an attachment's bytes
            for a in self.message.iter_attachments()
        ]


def letters(folder: Path, *, limit: int = 200) -> list[Letter]:
    """The newest ``limit`` messages, newest first."""
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.log"), key=lambda f: f.stat().st_mtime, reverse=True)
    out: list[Letter] = []
    for f in files:
        chunks = [c for c in f.read_bytes().split(SEPARATOR) if c.strip()]
        for index in reversed(range(len(chunks))):
            message = email.message_from_bytes(chunks[index], policy=default_policy)
            out.append(Letter(f"{f.name}:{index}", message, f.stat().st_mtime))
            if len(out) >= limit:
                return out
    return out


def letter(folder: Path, letter_id: str) -> Letter | None:
    """One message by id; None for an id that does not name one (no path tricks: the
    file name must be a plain name inside ``folder``)."""
    name, _, index_text = letter_id.rpartition(":")
    path = folder / name
    index = whole_number(index_text)
    if not name or "/" in name or name.startswith(".") or index is None or not path.is_file():
        return None
    chunks = [c for c in path.read_bytes().split(SEPARATOR) if c.strip()]
    if index >= len(chunks):
        return None
    message = email.message_from_bytes(chunks[index], policy=default_policy)
    return Letter(letter_id, message, path.stat().st_mtime)
