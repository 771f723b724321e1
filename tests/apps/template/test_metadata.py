import logging

import pytest

from phy.apps.template.metadata import load_metadata, metadata_files
from phy.apps.template.saving import save_metadata


def _w(path, text, newline="\n"):
    path.write_bytes(text.replace("\n", newline).encode())


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_tab_and_comma_line_endings(tmp_path, newline):
    _w(tmp_path / "cluster_group.tsv", "cluster_id\tgroup\n1\tgood\n3\tnoise\n", newline)
    _w(tmp_path / "cluster_groups.csv", "cluster_id,group\n7,mua\n", newline)
    _w(tmp_path / "cluster_ContamPct.tsv", "cluster_id\tContamPct\n1\t0.5\n2\t12\n", newline)
    m = load_metadata(tmp_path)
    # .csv files are read first, then .tsv files: the later file's field replaces the earlier.
    assert m["group"] == {1: "good", 3: "noise"}
    assert m["ContamPct"] == {1: 0.5, 2: 12}


def test_cells_columns_and_ids(tmp_path):
    _w(tmp_path / "cluster_info.tsv", "cluster_id\tamp\n1\t2.0\n")  # never read back
    _w(tmp_path / "extra.tsv", "cluster_id\tKSLabel\tAmplitude\tnote\n"
                               "1\tgood\t10.5\n2\t\t3\tx\ty\n1000\tmua\t1\t\n")
    _w(tmp_path / "pandas.csv", ",cluster_id,depth\n0,5,100\n1,6,120\n")
    _w(tmp_path / "nocluster.tsv", "id\tgroup\n1\tgood\n")
    m = load_metadata(tmp_path)
    assert "amp" not in m
    assert m["KSLabel"] == {1: "good", 1000: "mua"}  # empty cells skipped, unknown ids kept
    assert m["Amplitude"] == {1: 10.5, 2: 3, 1000: 1}
    assert m["note"] == {2: "x"}  # missing cells and extra columns
    assert m["depth"] == {5: 100, 6: 120}  # the unnamed pandas index column is ignored
    assert "group" not in m


def test_legacy_numeric_groups_and_custom(tmp_path):
    _w(tmp_path / "cluster_groups.csv", "cluster_id,group\n0,0\n1,1\n2,2\n3,3\n4,custom\n5,7\n")
    assert load_metadata(tmp_path)["group"] == {
        0: "noise", 1: "mua", 2: "good", 3: "unsorted", 4: "custom", 5: 7}


def test_unparsable_files_skipped(tmp_path, caplog):
    (tmp_path / "binary.tsv").write_bytes(b"\xff\xfe\x00cluster_id")
    _w(tmp_path / "badid.tsv", "cluster_id\tgroup\nabc\tgood\n")
    _w(tmp_path / "cluster_group.tsv", "cluster_id\tgroup\n1\tgood\n")
    with caplog.at_level(logging.WARNING):
        m = load_metadata(tmp_path)
    assert m == {"group": {1: "good"}}
    assert "binary.tsv" in caplog.text and "badid.tsv" in caplog.text


def test_file_order_and_backups_ignored(tmp_path):
    for name in ("b.tsv", "a.tsv", "c.csv", "cluster_info.csv", "cluster_group.tsv.bak"):
        _w(tmp_path / name, "cluster_id\tx\n")
    assert [p.name for p in metadata_files(tmp_path)] == ["c.csv", "a.tsv", "b.tsv"]
    assert load_metadata(tmp_path) == {}  # headers only: no values


def test_the_file_phy_writes_for_a_field_wins(tmp_path):
    """A field saved by phy (``cluster_<field>.tsv``) wins over the sorter's file defining it
    too, whatever their reading order: labels of new clusters survive a re-open."""
    _w(tmp_path / "cluster_si_unit_ids.tsv", "cluster_id\tsi_unit_id\n0\t1\n1\t4\n2\t5\n")
    save_metadata(tmp_path, "si_unit_id", {0: 1, 2: 5, 3: 4})  # after merging 1 into 3
    _w(tmp_path / "z_sorter.tsv", "cluster_id\tgroup\tKSLabel\n0\tmua\tgood\n")
    save_metadata(tmp_path, "group", {0: "good"})
    m = load_metadata(tmp_path)
    assert m["si_unit_id"] == {0: 1, 2: 5, 3: 4}
    assert m["group"] == {0: "good"} and m["KSLabel"] == {0: "good"}


def test_save_metadata(tmp_path):
    path = save_metadata(tmp_path, "group", {10: "good", 2: "noise", 5: None, 3: "mua"})
    assert path.name == "cluster_group.tsv"
    assert path.read_bytes() == b"cluster_id\tgroup\n2\tnoise\n3\tmua\n10\tgood\n"
    save_metadata(tmp_path, "score", {1: 0.123456789123, 2: 100, 4: "a\tb"})
    text = (tmp_path / "cluster_score.tsv").read_text()
    assert text == 'cluster_id\tscore\n1\t0.123456789123\n2\t100\n4\t"a\tb"\n'
    assert load_metadata(tmp_path)["score"] == {1: 0.123456789123, 2: 100, 4: "a\tb"}
    # A second save keeps the previous file as a backup that no reader picks up.
    save_metadata(tmp_path, "group", {1: "good"})
    assert (tmp_path / "cluster_group.tsv.bak").read_text().startswith("cluster_id\tgroup\n2")
    assert load_metadata(tmp_path)["group"] == {1: "good"}
    assert not list(tmp_path.glob(".*.tmp"))
