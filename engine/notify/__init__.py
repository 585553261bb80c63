"""Notifications: the in-app bell, email and group-robot sends, each person's channels."""
