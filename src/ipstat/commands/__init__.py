"""One module per command, each the library function its command calls."""
