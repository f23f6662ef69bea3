"""Geography: the built-in boundary files (``geo/``) and how they are built."""
