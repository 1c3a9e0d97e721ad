"""User tasks: the inbox, claiming and completing."""
