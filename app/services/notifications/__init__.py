"""Notifications: in-app messages and their e-mail copies."""
