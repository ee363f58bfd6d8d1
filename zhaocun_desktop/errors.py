"""The two kinds of failure: what the clerk must fix, and bugs."""


class UserError(Exception):
    """Something the clerk can act on; ``str(error)`` is a complete Chinese message."""


class InvalidRecord(UserError):
    """A record failed validation; ``errors`` maps field key to a Chinese message."""

    def __init__(self, errors: dict[str, str], labels: dict[str, str] | None = None):
        self.errors = dict(errors)
        labels = labels or {}
        lines = [f"{labels.get(key, key)}：{message}" for key, message in self.errors.items()]
        super().__init__("记录有误，未保存：\n" + "\n".join(lines))


class DatabaseTooNew(UserError):
    """The database was written by a newer version of the program."""


class DatabaseInUse(UserError):
    """Another copy of the program has the database open."""

