"""People: users, passwords, role assignments, acting officials."""
