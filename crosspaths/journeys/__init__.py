"""Onboarding journeys: a new hire meets a tenured buddy in week 1, then one colleague
of another department a week for N weeks, each step a real round of the plan's steps
program so the introduction, invitation, reminders and check-in go out as usual."""
