"""A dictionary with attribute access."""


class Bunch(dict):
    """A subclass of dictionary with an additional dot syntax.

    Examples
    --------
    >>> b = Bunch(a=1)
    >>> b.a
    1
    >>> b.c = 3
    >>> b['c']
    3

    """

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = value

    def __delattr__(self, name):
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __dir__(self):
        return list(self.keys()) + dir(dict)

    def copy(self):
        """Return a new Bunch instance which is a copy of the current Bunch instance."""
        return Bunch(super().copy())
