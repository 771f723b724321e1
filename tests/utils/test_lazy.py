import sys
import types

import pytest

from phy.utils.lazy import lazy_exports


def test_lazy_exports_import_on_first_access(monkeypatch):
    package = types.ModuleType("fakepkg")
    sub = types.ModuleType("fakepkg.sub")
    sub.Thing = object()
    monkeypatch.setitem(sys.modules, "fakepkg", package)
    monkeypatch.setitem(sys.modules, "fakepkg.sub", sub)
    namespace = {"existing": 1}
    getattr_, dir_ = lazy_exports("fakepkg", {"Thing": "sub"}, namespace)
    assert "Thing" not in namespace
    assert getattr_("Thing") is sub.Thing
    assert namespace["Thing"] is sub.Thing  # cached in the package namespace
    assert dir_() == ["Thing", "existing"]
    with pytest.raises(AttributeError, match="'fakepkg' has no attribute 'Nope'"):
        getattr_("Nope")


def test_packages_use_lazy_exports():
    import phy.cluster
    import phy.gui

    assert "Supervisor" in dir(phy.cluster) and "GUI" in dir(phy.gui)
    from phy.gui import GUI
    from phy.gui.gui import GUI as GUI2

    assert GUI is GUI2
