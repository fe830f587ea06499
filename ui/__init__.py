"""Riffle's faces: the command line (ui/cli, no Qt) and the desktop window (Qt)."""
