"""Interpreters, skills, shifts, availability and reservations."""
