"""Onboarding: how a roster person becomes a participant. HR invites them
(``invitations``: one e-mail with a sign-in link, or a background run for a console
selection), they follow the link and answer the one-minute questions (``services``).
No models of its own: it writes people's and programs' rows."""
