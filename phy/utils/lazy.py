"""Lazy exports of a package: public names imported from their submodule on first access.

A package whose submodules need Qt can still be imported on a machine without a display::

    __getattr__, __dir__ = lazy_exports(__name__, {'Supervisor': 'supervisor'}, globals())
"""

import importlib


def lazy_exports(package, exports, namespace):
    """Return the module-level ``__getattr__`` and ``__dir__`` of a package with lazy names.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : dict
        ``{public_name: submodule_name}``: the names imported on first access.
    namespace : dict
        The package's ``globals()``: a name is cached there once imported.

    Returns
    -------
    getattr_, dir_ : functions
        To assign to the package's ``__getattr__`` and ``__dir__``.

    """

    def getattr_(name):
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    def dir_():
        return sorted(set(namespace) | set(exports))

    return getattr_, dir_
