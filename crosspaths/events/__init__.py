"""One-off events (a townhall, an offsite): attendees seated at tables for several
rotations by the event mixer (``crosspaths.matching.mixer``), with a printable table
plan and per-person cards."""
