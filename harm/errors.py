"""Errors the user can act on: what is wrong, where, and how to fix it."""


class HarmInputError(ValueError):
    """Bad input from the user (a file, an option). Shown as one message, never a traceback."""

    def __init__(self, what: str, *, where: str = "", fix: str = ""):
        self.what, self.where, self.fix = what, where, fix
        parts = [f"{where}: {what}" if where else what]
        if fix:
            parts.append(fix)
        super().__init__(" ".join(p.rstrip(".") + "." for p in parts))
