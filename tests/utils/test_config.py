from phy.utils import load_config, load_master_config, phy_config_dir
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
    assert load_master_config().TemplateGUI.plugins == ["P"]


def test_master_config_explicit_dir(tmp_path):
    load_master_config(config_dir=tmp_path / "cfg")
    assert (tmp_path / "cfg" / "phy_config.py").exists()


def test_broken_config_is_logged_and_empty(tmp_path, caplog):
    path = tmp_path / "phy_config.py"
    path.write_text("c = get_config()\nraise ValueError('oops')\n")
    assert load_config(path) == {}
    assert "phy_config.py" in caplog.text and "oops" in caplog.text
