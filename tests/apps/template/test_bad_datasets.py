"""A corpus of broken datasets, each built from a copy of a small valid synthetic one.

Each case breaks the dataset in one way and states what the user must read: an error
(:class:`phy.io.DataFormatError`) or, where the data can still be shown safely, a warning
when it opens; either names the file at fault and the problem. The command line prints the
errors on one line, with exit code 1 and no traceback unless ``--debug``.
"""

import logging
import os
import shutil

import numpy as np
import pytest
from click.testing import CliRunner

from phy.apps.cli import phycli
from phy.apps.template import TemplateController, load_model, template_gui
from phy.gui.state import GUIState
from phy.io import DataFormatError
from phy.io.synthetic import make_template_dataset

N_SPIKES, N_TEMPLATES, N_CHANNELS = 200, 5, 8
ROW = 2 * (N_CHANNELS + 1)  # bytes per raw sample: int16, the channels and a sync channel


@pytest.fixture(scope="module")
def base_dataset(tmp_path_factory):
    """The valid dataset every case copies (raw data, features, metadata)."""
    path = tmp_path_factory.mktemp("corpus") / "dataset"
    make_template_dataset(path, n_spikes=N_SPIKES, n_templates=N_TEMPLATES,
                          n_channels=N_CHANNELS, duration=1.0, seed=5)
    return path


@pytest.fixture
def dataset(base_dataset, tmp_path):
    """A writable copy of the base dataset."""
    d = tmp_path / "dataset"
    shutil.copytree(base_dataset, d)
    yield d
    os.chmod(d, 0o755)


# -------------------------------------------------------------------------------------------------
# Ways of breaking a dataset
# -------------------------------------------------------------------------------------------------

def params(**kwargs):
    """Set (or remove, with None) keys of params.py."""
    def mutate(d):
        lines = [line for line in (d / "params.py").read_text().splitlines()
                 if line.split(" ")[0] not in kwargs]
        lines += [f"{k} = {v!r}" for k, v in kwargs.items() if v is not None]
        (d / "params.py").write_text("\n".join(lines) + "\n")
    return mutate


def text(name, content):
    """Write a text or bytes file."""
    def mutate(d):
        (d / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    return mutate


def array(name, change):
    """Re-save a ``.npy`` file with ``change(array)``."""
    def mutate(d):
        np.save(d / name, change(np.load(d / name)))
    return mutate


def cut(name, n_bytes):
    """Remove the last bytes of a file (a negative number appends bytes)."""
    def mutate(d):
        data = (d / name).read_bytes()
        (d / name).write_bytes(data[:-n_bytes] if n_bytes > 0 else data + b"\0" * -n_bytes)
    return mutate


def bytes_at(name, position, value):
    """Overwrite bytes of a file."""
    def mutate(d):
        data = bytearray((d / name).read_bytes())
        data[position:position + len(value)] = value
        (d / name).write_bytes(bytes(data))
    return mutate


def remove(name):
    def mutate(d):
        (d / name).unlink()
    return mutate


def set_values(index, value, dtype=None):
    def change(a):
        a = a.astype(dtype or a.dtype)
        a.flat[index] = value
        return a
    return change


def _raw_size(d):
    return (d / "raw.dat").stat().st_size


# -------------------------------------------------------------------------------------------------
# The corpus: (name, mutation, expected errors' words); each word must be in the message
# -------------------------------------------------------------------------------------------------

ERRORS = [
    ("no sample_rate", params(sample_rate=None),
     ["params.py", "the required key 'sample_rate' is missing"]),
    ("no dtype", params(dtype=None), ["params.py", "the required key 'dtype' is missing"]),
    ("no dat_path", params(dat_path=None), ["params.py", "'dat_path' is missing"]),
    ("zero sample rate", params(sample_rate=0), ["params.py", "sample_rate should be positive"]),
    ("text sample rate", params(sample_rate="30k"),
     ["params.py", "sample_rate should be a number, not '30k'"]),
    ("complex raw dtype", params(dtype="complex64"),
     ["params.py", "dtype should be the type of the raw samples", "'complex64'"]),
    ("fractional channel count", params(n_channels_dat=8.5),
     ["params.py", "n_channels_dat should be an integer, not 8.5"]),
    ("negative offset", params(offset=-4), ["params.py", "offset should be 0 or positive"]),
    ("numeric dat_path", params(dat_path=3),
     ["params.py", "dat_path should be a file name or a list of file names, not 3"]),
    ("code in params.py", text("params.py", "import os\nsample_rate = 1.\n"),
     ["params.py", "line 1", "only assignments of literal values"]),
    ("wrong n_channels_dat", params(n_channels_dat=N_CHANNELS + 2),
     ["raw.dat", "does not match n_channels_dat, dtype and offset",
      "not a multiple of 20 bytes (one sample: 10 channels of int16)"]),
    ("truncated raw file", cut("raw.dat", 3),
     ["raw.dat", "does not match n_channels_dat", f"not a multiple of {ROW} bytes",
      f"{ROW - 3} bytes left over"]),
    ("offset beyond the raw file", params(offset=10**9),
     ["raw.dat", "smaller than its header offset (1000000000 bytes)"]),
    ("truncated spike times", cut("spike_times.npy", 8),
     ["spike_times.npy is truncated", f"shape ({N_SPIKES}, 1)", "holds 1,592 bytes"]),
    ("empty spike times file", text("spike_times.npy", b""),
     ["spike_times.npy", "Cannot read", "as a NumPy array"]),
    ("corrupt templates header", bytes_at("templates.npy", 12, b"#!{"),
     ["templates.npy", "as a NumPy array (corrupt file?)"]),
    ("not a npy file", text("channel_map.npy", "0,1,2,3"),
     ["channel_map.npy", "Cannot read", "as a NumPy array"]),
    ("pickled array", lambda d: np.save(d / "amplitudes.npy", np.array([{}] * N_SPIKES),
                                        allow_pickle=True),
     ["amplitudes.npy holds Python objects"]),
    ("amplitudes too short", array("amplitudes.npy", lambda a: a[:-1]),
     [f"amplitudes.npy has {N_SPIKES - 1} rows, expected {N_SPIKES}"]),
    ("spike templates too long", array("spike_templates.npy", lambda a: np.r_[a, a[:2]]),
     [f"spike_templates.npy has {N_SPIKES + 2} spikes but spike_times.npy has {N_SPIKES}"]),
    ("spike clusters too short", array("spike_clusters.npy", lambda a: a[:10]),
     [f"spike_clusters.npy has 10 spikes, expected {N_SPIKES}"]),
    ("complex spike times", array("spike_times.npy", lambda a: a.astype(np.complex64)),
     ["spike_times.npy should contain integers, not complex64"]),
    ("fractional template ids", array("spike_templates.npy", set_values(3, 1.5, np.float64)),
     ["spike_templates.npy should contain integers"]),
    ("text templates", array("templates.npy", lambda a: a.astype("U3")),
     ["templates.npy should contain numbers (integers or floats), not <U3 values"]),
    ("complex channel positions", array("channel_positions.npy",
                                        lambda a: a.astype(np.complex128)),
     ["channel_positions.npy should contain numbers", "complex128"]),
    ("NaN spike time", array("spike_times.npy", set_values(7, np.nan, np.float64)),
     ["spike_times.npy contains NaN or infinite spike times"]),
    ("infinite spike time", array("spike_times.npy", set_values(7, np.inf, np.float64)),
     ["spike_times.npy contains NaN or infinite spike times"]),
    ("huge cluster id", array("spike_clusters.npy", set_values(9, 2**40, np.int64)),
     ["spike_clusters.npy gives spike 9 the cluster id 1099511627776",
      "cluster ids must fit in 32 bits"]),
    ("negative template id", array("spike_templates.npy", set_values(4, -1, np.int64)),
     ["spike_templates.npy contains negative template ids"]),
    ("template id beyond templates.npy", array("spike_templates.npy",
                                               set_values(4, N_TEMPLATES + 3, np.int64)),
     [f"spike_templates.npy refers to template {N_TEMPLATES + 3}",
      f"has only {N_TEMPLATES} templates"]),
    ("huge template id without templates.npy", lambda d: (
        remove("templates.npy")(d),
        array("spike_templates.npy", set_values(4, 2**33, np.int64))(d)),
     ["spike_templates.npy refers to template 8589934592", "template ids must be below"]),
    ("templates on fewer channels", array("templates.npy", lambda a: a[:, :, :5]),
     ["templates.npy is sized for 5 channels, expected 8", "sparse templates need "
      "template_ind.npy"]),
    ("2-D templates", array("templates.npy", lambda a: a[0]),
     ["templates.npy should be a 3-D array"]),
    ("channel map one short", array("channel_map.npy", lambda a: a[:-1]),
     ["channel_map.npy lists 7 channels", "should have 8 entries"]),
    ("channel map beyond the raw file", params(n_channels_dat=4),
     ["channel_map.npy refers to raw column 7", "n_channels_dat = 4"]),
    ("similarity of the wrong shape", array("similar_templates.npy", lambda a: a[:2]),
     ["similar_templates.npy has shape (2, 5)"]),
    ("PC feature channels beyond the map", array("pc_feature_ind.npy", lambda a: a + 50),
     ["pc_feature_ind.npy refers to"]),
    ("unreadable cluster labels", text("cluster_group.tsv", b"cluster_id\tgroup\n0\t\xff\xfe\n"),
     ["Cannot read the cluster labels of", "cluster_group.tsv", "utf-8"]),
    ("non-integer cluster id in labels", text("cluster_group.tsv",
                                              "cluster_id\tgroup\n0\tgood\nabc\tmua\n"),
     ["cluster_group.tsv", "invalid cluster id 'abc'"]),
]


@pytest.mark.parametrize("mutation,words", [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_error(dataset, mutation, words):
    mutation(dataset)
    with pytest.raises(DataFormatError) as info:
        load_model(dataset / "params.py").close()
    message = str(info.value)
    for word in words:
        assert word in message


WARNINGS = [
    ("missing raw file", remove("raw.dat"), ["Raw data file(s) not found", "raw.dat",
                                             "opening without raw data"]),
    ("unsorted spike times", array("spike_times.npy", lambda a: a[::-1].copy()),
     ["spike times in spike_times.npy are not sorted: they decrease at spike 1"]),
    ("negative cluster ids", array("spike_clusters.npy", set_values(0, -3, np.int64)),
     ["spike_clusters.npy has 1 negative cluster id(s) (-3)"]),
    ("NaN amplitudes", array("amplitudes.npy", set_values(2, np.nan)),
     ["1 NaN or infinite values in amplitudes.npy are read as 0"]),
    ("NaN template", array("templates.npy", set_values(slice(0, 50), np.nan)),
     ["NaN or infinite values in templates.npy are read as 0"]),
    ("extra TSV columns", text("cluster_group.tsv", "cluster_id\tgroup\n0\tgood\n1\tmua\tx\n"),
     ["cluster_group.tsv, line 3: 3 cells but 2 columns in the header"]),
    ("unparsable other CSV", text("notes.csv", b"cluster_id\n\xff\n"),
     ["Skipping the metadata file", "notes.csv"]),
    ("float raw data read as float64", lambda d: (
        params(dtype="float64", n_channels_dat=N_CHANNELS + 1)(d),
        cut("raw.dat", _raw_size(d) % (8 * (N_CHANNELS + 1)))(d),
        bytes_at("raw.dat", 0, np.array([np.nan]).tobytes())(d)),
     ["raw.dat holds non-finite float64 samples", "is dtype right in params.py?"]),
]


@pytest.mark.parametrize("mutation,words", [c[1:] for c in WARNINGS],
                         ids=[c[0] for c in WARNINGS])
def test_opens_with_warning(dataset, mutation, words, caplog):
    mutation(dataset)
    with caplog.at_level(logging.WARNING):
        model = load_model(dataset / "params.py")
    try:
        assert model.n_spikes == N_SPIKES and model.get_cluster_spikes(model.cluster_ids[0]).size
    finally:
        model.close()
    for word in words:
        assert word in caplog.text


def test_corrupt_gui_state_is_set_aside(tmp_path, caplog):
    path = tmp_path / "state.json"
    path.write_text('{"WaveformView": {"overlap": tr')
    with caplog.at_level(logging.WARNING):
        state = GUIState(path)
    assert dict(state) == {} and not path.exists()
    assert f"The GUI state file {path} is corrupt" in caplog.text
    assert list(tmp_path.glob("state.json.corrupt-*"))


def test_read_only_folder(dataset, tmp_path):
    (dataset / "spike_clusters.npy").unlink()
    os.chmod(dataset, 0o555)
    with pytest.raises(DataFormatError, match=f"Cannot write spike_clusters.npy: the dataset "
                       f"directory {dataset} is not writable"):
        load_model(dataset / "params.py")


def test_read_only_folder_refused_by_the_gui(dataset, tmp_path):
    os.chmod(dataset, 0o555)
    with pytest.raises(DataFormatError, match=f"The dataset folder {dataset} is read-only: phy "
                       "could not save the curation there"):
        TemplateController(dir_path=dataset, config_dir=tmp_path / "config")
    load_model(dataset / "params.py").close()  # still readable (template-describe)


def test_gui_shows_the_error_in_a_dialog(dataset, qapp, dialogs, config_dir):
    array("spike_clusters.npy", lambda a: a[:10])(dataset)
    with pytest.raises(DataFormatError):
        template_gui(dataset / "params.py")
    (call,) = dialogs.calls
    assert call.kind == "message_box" and call.level == "critical"
    assert call.title == "Cannot open the dataset"
    assert f"spike_clusters.npy has 10 spikes, expected {N_SPIKES}" in call.message


# -------------------------------------------------------------------------------------------------
# The command line: one line, exit code 1, a traceback only with --debug
# -------------------------------------------------------------------------------------------------

def _invoke(*args):
    return CliRunner().invoke(phycli, [str(a) for a in args], prog_name="phy")


@pytest.mark.parametrize("name", ["no sample_rate", "truncated raw file", "corrupt templates "
                                  "header", "huge cluster id", "unreadable cluster labels"])
def test_describe_error_on_one_line(dataset, name):
    mutation, words = {c[0]: c[1:] for c in ERRORS}[name]
    mutation(dataset)
    result = _invoke("template-describe", dataset / "params.py")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    for word in words:
        assert word in lines[0]
    assert "Traceback" not in result.output
    debug = _invoke("--debug", "template-describe", dataset / "params.py")
    assert debug.exit_code == 1 and "Traceback (most recent call last)" in debug.output


def test_describe_opens_with_warning(dataset):
    array("spike_times.npy", lambda a: a[::-1].copy())(dataset)
    result = _invoke("template-describe", dataset)
    assert result.exit_code == 0
    assert "spike_times.npy are not sorted" in result.output
    assert f"{N_SPIKES:,}" in result.output  # the description printed
