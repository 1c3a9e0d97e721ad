"""Use cases. One public call is one transaction; nothing here imports Flask."""
