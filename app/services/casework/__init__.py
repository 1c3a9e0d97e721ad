"""Casework beside the diagram: the work log on each case and finding cases by their words."""
