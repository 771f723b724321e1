"""A fuzzer mutating a small valid template dataset: opening it either works or raises a
:class:`phy.io.DataFormatError`, never another exception, a NumPy warning or a hang.

Each example copies the dataset, applies one to three mutations (bytes of a ``.npy`` file cut
or flipped, an array re-saved with another dtype, shape or an odd value, a ``params.py`` key
changed or removed, a metadata file rewritten, the raw file cut) and opens it. A dataset that
opens is then used as the GUI would: its clusters, spikes, waveforms, features, templates and
summary are read.
"""

import logging
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phy.apps.template import load_model
from phy.io import DataFormatError
from phy.io.synthetic import make_template_dataset

#: The files of the base dataset that the mutations touch.
NPY_FILES = (
    "amplitudes.npy", "channel_map.npy", "channel_positions.npy", "channel_shanks.npy",
    "pc_feature_ind.npy", "pc_features.npy", "similar_templates.npy", "spike_clusters.npy",
    "spike_templates.npy", "spike_times.npy", "template_feature_ind.npy",
    "template_features.npy", "templates.npy", "whitening_mat.npy", "whitening_mat_inv.npy")
DTYPES = ("float32", "float16", "int8", "uint8", ">i4", ">f8", "uint64", "int64", "bool",
          "complex64", "U4", "datetime64[s]")
VALUES = (np.nan, np.inf, -np.inf, -1, -(2 ** 40), 2 ** 31, 2 ** 62, 10 ** 6, 0.5)
PARAMS = ("dat_path", "n_channels_dat", "dtype", "offset", "sample_rate", "dir_path",
          "template_scaling", "n_closest_channels", "amplitude_threshold")
PARAM_VALUES = (None, 0, -1, 1, 3, 2 ** 40, 1.5, float("nan"), float("inf"), "", "x", "int16",
                "float32", "<f8", "raw.dat", "nope.dat", [], ["raw.dat", ""], True, {"a": 1})
TSV_TEXTS = (
    "", "cluster_id\tgroup\n", "cluster_id\tgroup\n0\tgood\n1\n2\tmua\textra\n",
    "cluster_id,group\n0,good\nnot a number,mua\n", "a\tb\n1\t2\n",
    "cluster_id\tgroup\n-5\tgood\n99999999999\tnoise\n", "cluster_id\tgroup\n1.5\tgood\n",
    "\x00\x01\x02\x03", "cluster_id\tgroup\n0\t\"unclosed\n", b"\xff\xfe\x00bad".hex())


@pytest.fixture(scope="module")
def base_dataset(tmp_path_factory):
    """A tiny valid dataset (raw data, features, metadata) that the examples copy."""
    path = tmp_path_factory.mktemp("fuzz") / "dataset"
    make_template_dataset(path, n_spikes=150, n_templates=4, n_channels=6, duration=0.5,
                          n_samples_waveforms=20, seed=11)
    return path


def _array_mutation():
    index = st.floats(0, 1, allow_nan=False)
    return st.one_of(
        st.tuples(st.just("truncate"), st.sampled_from(NPY_FILES), index),
        st.tuples(st.just("flip"), st.sampled_from(NPY_FILES), index, st.integers(0, 7)),
        st.tuples(st.just("dtype"), st.sampled_from(NPY_FILES), st.sampled_from(DTYPES)),
        st.tuples(st.just("value"), st.sampled_from(NPY_FILES), index,
                  st.sampled_from(VALUES)),
        st.tuples(st.just("shape"), st.sampled_from(NPY_FILES),
                  st.sampled_from(("drop", "add", "flat", "column", "transpose", "shuffle",
                                   "empty", "scalar"))),
    )


def _mutation():
    return st.one_of(
        _array_mutation(),
        st.tuples(st.just("params"), st.sampled_from(PARAMS), st.sampled_from(PARAM_VALUES)),
        st.tuples(st.just("tsv"), st.sampled_from(("cluster_group.tsv", "cluster_KSLabel.tsv",
                                                   "other.csv")), st.sampled_from(TSV_TEXTS)),
        st.tuples(st.just("raw"), st.floats(0, 1.2, allow_nan=False)),
    )


def _reshape(arr, how):
    if how == "drop":
        return arr[:max(0, len(arr) - 1)] if arr.ndim else arr
    if how == "add":
        return np.concatenate([arr, arr[:1]]) if arr.ndim and len(arr) else arr
    if how == "flat":
        return arr.ravel()
    if how == "column":
        return arr[..., None]
    if how == "transpose":
        return arr.T
    if how == "shuffle":
        return np.random.default_rng(0).permutation(arr) if arr.ndim else arr
    if how == "empty":
        return arr[:0] if arr.ndim else arr
    return np.asarray(arr.ravel()[0] if arr.size else 0)


def _mutate_array(path, op, *args):
    """Mutate a ``.npy`` file (an earlier mutation may have made it unreadable: then skip)."""
    data = path.read_bytes()
    if not data:
        return
    if op == "truncate":
        path.write_bytes(data[:int(args[0] * (len(data) - 1))])
        return
    if op == "flip":
        b = bytearray(data)
        b[int(args[0] * (len(b) - 1))] ^= 1 << args[1]
        path.write_bytes(bytes(b))
        return
    try:
        arr = np.load(path)
    except Exception:  # noqa: BLE001 (already corrupt)
        return
    if op == "dtype":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arr = arr.astype(args[0]) if args[0] != "U4" else arr.astype(str).astype("U4")
    elif op == "value" and arr.size:
        value = args[1]
        if isinstance(value, float) and arr.dtype.kind != "f" or (
                arr.dtype.kind in "iu" and not np.can_cast(np.min_scalar_type(value),
                                                           arr.dtype)):
            arr = arr.astype(np.float64 if isinstance(value, float) else np.int64)
        arr.flat[int(args[0] * (arr.size - 1))] = value
    elif op == "shape":
        arr = _reshape(arr, args[0])
    np.save(path, arr)


def _mutate(d, mutation):
    op, *args = mutation
    if op == "params":
        key, value = args
        lines = [line for line in (d / "params.py").read_text().splitlines()
                 if not line.startswith(f"{key} ")]
        if value is not None:
            lines.append(f"{key} = {value!r}")
        (d / "params.py").write_text("\n".join(lines) + "\n")
    elif op == "tsv":
        (d / args[0]).write_text(args[1])
    elif op == "raw":
        raw = d / "raw.dat"
        data = raw.read_bytes()
        n = int(args[0] * len(data))
        raw.write_bytes(data[:n] if n <= len(data) else data + b"\x01" * (n - len(data)))
    else:
        _mutate_array(d / args[0], op, *args[1:])


def _use(model):
    """Read what the GUI reads from an opened model."""
    ids = model.cluster_ids
    for cluster_id in ids[:2]:
        spikes = model.get_cluster_spikes(cluster_id)[:5]
        channels = model.get_cluster_channels(cluster_id)
        model.get_waveforms(spikes, channels)
        model.get_features(spikes, channels)
        model.get_template_features(spikes)
        model.get_cluster_main_template(cluster_id)
    for template_id in range(min(model.n_templates, 2)):
        model.get_template(template_id)
        model.get_template_spikes(template_id)
    assert np.asarray(model.spike_times[:10]).dtype == np.float64
    assert np.asarray(model.amplitudes[:10]).dtype.kind == "f"
    per_template = (model.templates_amplitudes, model.templates_channels,
                    model.templates_waveforms_durations)
    assert all(len(values) == model.n_templates for values in per_template)
    model.describe()
    if model.traces is not None:
        model.traces[:10, :2]


@settings(max_examples=60, deadline=10_000, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutations=st.lists(_mutation(), min_size=1, max_size=3))
def test_fuzz_dataset(base_dataset, mutations, capsys):
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / "dataset"
        shutil.copytree(base_dataset, d)
        for mutation in mutations:
            _mutate(d, mutation)
        logging.disable(logging.WARNING)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # a NumPy warning is a missed check
                model = load_model(d / "params.py")
                try:
                    _use(model)
                finally:
                    model.close()
        except DataFormatError as e:
            message = str(e)
            assert message and "\n" not in message.strip()
        finally:
            logging.disable(logging.NOTSET)
    capsys.readouterr()
