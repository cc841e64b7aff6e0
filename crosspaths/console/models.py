"""Models of the HR admin console (none yet)."""
