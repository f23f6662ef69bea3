"""Reading and writing files: every reader returns what it loaded and what it rejected."""
