import logging

import pytest

from phy.utils import IPlugin, attach_plugins, discover_plugins, get_plugin

PLUGIN_CODE = '''
from phy import IPlugin

class {name}(IPlugin):
    def attach_to_controller(self, controller):
        controller.attached.append("{name}")
'''


class Controller:
    gui_name = "MyGUI"

    def __init__(self):
        self.attached = []


def _write_plugin(directory, name, code=None):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name.lower()}.py").write_text(code or PLUGIN_CODE.format(name=name))


def test_iplugin_registers_and_lookup():
    class DummyPluginForLookup(IPlugin):
        pass

    class LookupPlugin(IPlugin):
        pass

    assert get_plugin("DummyPluginForLookup") is DummyPluginForLookup
    assert get_plugin("LookupPlugin") is LookupPlugin  # an exact name first
    assert get_plugin("PluginForLook") is DummyPluginForLookup  # else a part of a name (phy 2)
    with pytest.raises(ValueError, match="NoSuchPlugin.*not found"):
        get_plugin("NoSuchPlugin")


def test_discovery_rules(tmp_path):
    root = tmp_path / "plugins"
    _write_plugin(root, "DiscoveredPluginA")
    _write_plugin(root / "sub", "DiscoveredPluginB")
    _write_plugin(root / "tests", "IgnoredTestPlugin")
    _write_plugin(root / "__pycache__", "IgnoredCachePlugin")
    (root / "broken.py").write_text("raise ImportError('broken plugin')")
    names = {cls.__name__ for cls in discover_plugins([root, tmp_path / "missing"])}
    assert {"DiscoveredPluginA", "DiscoveredPluginB"} <= names
    assert not {"IgnoredTestPlugin", "IgnoredCachePlugin"} & names


def test_attach_plugins_from_config(config_dir):
    _write_plugin(config_dir / "plugins", "ConfigDirPlugin")
    extra = config_dir.parent / "extra"
    _write_plugin(extra, "ExtraDirPlugin")
    _write_plugin(extra, "KwargPlugin")
    (config_dir / "phy_config.py").write_text(
        "c = get_config()\n"
        f"c.Plugins.dirs = [r'{extra}']\n"
        "c.MyGUI.plugins = ['ConfigDirPlugin', 'ExtraDirPlugin']\n")
    controller = Controller()
    attached = attach_plugins(controller, plugins=["KwargPlugin"])
    assert controller.attached == ["ConfigDirPlugin", "ExtraDirPlugin", "KwargPlugin"]
    assert [type(p).__name__ for p in attached] == controller.attached


def test_attach_plugins_class_name_and_dirs_argument(tmp_path):
    class OtherController(Controller):
        gui_name = None

    _write_plugin(tmp_path / "p", "ArgDirPlugin")
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "phy_config.py").write_text(
        "c = get_config()\nc.OtherController.plugins = ['ArgDirPlugin']\n")
    controller = OtherController()
    attach_plugins(controller, config_dir=cfg, dirs=[tmp_path / "p"])
    assert controller.attached == ["ArgDirPlugin"]


def test_missing_and_failing_plugins_are_logged(config_dir, caplog):
    _write_plugin(config_dir / "plugins", "FailingPlugin", code=(
        "from phy import IPlugin\n"
        "class FailingPlugin(IPlugin):\n"
        "    def attach_to_controller(self, controller):\n"
        "        raise RuntimeError('plugin failure')\n"))
    controller = Controller()
    with caplog.at_level(logging.ERROR):
        attached = attach_plugins(controller, plugins=["NoSuchPlugin", "FailingPlugin"])
    assert attached == []
    assert "NoSuchPlugin" in caplog.text and "not found" in caplog.text
    assert "plugin failure" in caplog.text


def test_plugin_files_named_like_modules_shadow_nothing(config_dir):
    import importlib
    import json
    import sys

    from phy.utils.plugin import plugin_module_name

    stdlib_json = sys.modules["json"]
    plugins = config_dir / "plugins"
    plugins.mkdir()
    (plugins / "json.py").write_text(
        "import json\n"  # the standard json, not this file
        "from phy import IPlugin\n"
        "class JsonNamedPlugin(IPlugin):\n"
        "    def attach_to_controller(self, controller):\n"
        "        controller.attached.append(json.dumps({'from': 'json.py'}))\n")
    (plugins / "utils.py").write_text(PLUGIN_CODE.format(name="UtilsNamedPlugin"))
    (config_dir / "phy_config.py").write_text(
        "c = get_config()\nc.MyGUI.plugins = ['JsonNamedPlugin', 'UtilsNamedPlugin']\n")
    controller = Controller()
    attach_plugins(controller)
    assert controller.attached == ['{"from": "json.py"}', "UtilsNamedPlugin"]
    assert sys.modules["json"] is stdlib_json and "utils" not in sys.modules
    assert importlib.import_module("json") is json and json.loads("[1]") == [1]
    cls = get_plugin("JsonNamedPlugin")
    assert cls.__module__ == plugin_module_name(plugins / "json.py")
    assert cls.__module__.startswith("phy_plugin_") and cls.__module__.endswith("_json")
    # Two files with the same name in two folders are two modules.
    assert plugin_module_name(plugins / "json.py") != plugin_module_name(config_dir / "json.py")


def test_plugin_file_imported_once_per_session(tmp_path):
    directory = tmp_path / "once"
    directory.mkdir()
    (directory / "counted.py").write_text(
        "import builtins\n"
        "builtins._phy_plugin_imports = getattr(builtins, '_phy_plugin_imports', 0) + 1\n")
    import builtins

    try:
        discover_plugins([directory])
        discover_plugins([directory])
        assert builtins._phy_plugin_imports == 1
    finally:
        del builtins._phy_plugin_imports


def test_template_gui_config_plugins_and_dirs(config_dir):
    class TemplateController(Controller):
        gui_name = "TemplateGUI"

    extra = config_dir.parent / "my_plugins"
    _write_plugin(extra, "TemplateConfigPlugin")
    _write_plugin(extra, "NotActivatedPlugin")
    (config_dir / "phy_config.py").write_text(
        "c = get_config()\n"
        f"c.Plugins.dirs = [r'{extra}']\n"
        "c.TemplateGUI.plugins = ['TemplateConfigPlugin']\n")
    controller = TemplateController()
    attach_plugins(controller)
    assert controller.attached == ["TemplateConfigPlugin"]


def test_broken_config_session_goes_on(config_dir, caplog):
    (config_dir / "phy_config.py").write_text("c = get_config()\nc.TemplateGUI.plugins = [\n")
    controller = Controller()
    assert attach_plugins(controller, plugins=[]) == []
    assert f"{config_dir / 'phy_config.py'}, line 2" in caplog.text
