"""The command line: `riffle COMMAND ...`. Never imports Qt."""
