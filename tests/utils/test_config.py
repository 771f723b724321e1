import logging

from phy.utils import load_config, load_master_config, phy_config_dir, reset_config_cache
from phy.utils.config import Config


def test_phy_config_dir_honours_env(config_dir):
    assert phy_config_dir() == config_dir


def test_phy_config_dir_default(monkeypatch, tmp_path):
    monkeypatch.delenv("PHY_CONFIG_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert phy_config_dir() == tmp_path / ".phy"


def test_config_sections():
    c = Config()
    c.TemplateGUI.plugins = ["A"]
    assert c == {"TemplateGUI": {"plugins": ["A"]}}
    assert c.TemplateGUI.plugins == ["A"]
    c.merge({"TemplateGUI": {"other": 1}, "Plugins": {"dirs": ["x"]}})
    assert c.TemplateGUI.plugins == ["A"] and c.TemplateGUI.other == 1
    assert c.Plugins.dirs == ["x"]


def test_master_config_created_with_defaults(config_dir):
    c = load_master_config()
    path = config_dir / "phy_config.py"
    assert path.exists()
    text = path.read_text()
    assert "from phy import IPlugin" in text and "get_config()" in text
    assert c.Plugins.dirs == [str((config_dir / "plugins").resolve())]
    # Loading again does not overwrite a user's file.
    path.write_text("c = get_config()\nc.TemplateGUI.plugins = ['P']\n")
    reset_config_cache()
    assert load_master_config().TemplateGUI.plugins == ["P"]
    assert path.read_text() == "c = get_config()\nc.TemplateGUI.plugins = ['P']\n"


def test_master_config_read_once_per_session(config_dir):
    path = config_dir / "phy_config.py"
    path.write_text(
        "c = get_config()\nc.TemplateGUI.plugins = ['A']\n"
        "import builtins\n"
        "builtins._phy_config_reads = getattr(builtins, '_phy_config_reads', 0) + 1\n")
    import builtins

    builtins._phy_config_reads = 0
    try:
        first = load_master_config()
        path.write_text("c = get_config()\nc.TemplateGUI.plugins = ['B']\n")
        first.TemplateGUI.plugins.append("changed by a caller")
        second = load_master_config(config_dir=str(config_dir))
        assert builtins._phy_config_reads == 1
        assert second.TemplateGUI.plugins == ["A"]  # read once; each caller gets a copy
        reset_config_cache()
        assert load_master_config().TemplateGUI.plugins == ["B"]
    finally:
        del builtins._phy_config_reads


def test_master_config_explicit_dir(tmp_path):
    load_master_config(config_dir=tmp_path / "cfg")
    assert (tmp_path / "cfg" / "phy_config.py").exists()


def test_broken_config_is_logged_and_empty(tmp_path, caplog):
    path = tmp_path / "phy_config.py"
    path.write_text("c = get_config()\n\ndef f():\n    raise ValueError('oops')\n\nf()\n")
    assert load_config(path) == {}
    (record,) = caplog.records
    assert record.levelno == logging.ERROR
    assert record.getMessage() == (
        f"Error in the configuration file {path}, line 4: ValueError: oops. "
        "The default configuration is used.")


def test_config_syntax_error_names_the_line(config_dir, caplog):
    path = config_dir / "phy_config.py"
    path.write_text("c = get_config()\nc.TemplateGUI.plugins = ['A'\n\n")
    assert load_master_config() == {}  # the session goes on with the defaults
    assert f"Error in the configuration file {path}, line 2: SyntaxError:" in caplog.text
