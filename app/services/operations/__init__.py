"""Running the installation itself rather than its cases: backups and restores."""
