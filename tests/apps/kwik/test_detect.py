"""``phy detect``: a generated recording and a 2-shank probe to a kwik dataset, end to end."""

import io

import h5py
import numpy as np
import pytest
from click.testing import CliRunner

from phy.apps.cli import phycli
from phy.apps.detect import TerminalProgress, detect
from phy.apps.kwik import KwikModel
from phy.io.prm import read_prb
from phy.io.synthetic_recording import SyntheticRecording
from phy.traces import SpikeDetekt

#: Two shanks of 16 channels on the generated 32-channel probe.
SHANKS = (list(range(16)), list(range(31, 15, -1)))
#: Matching tolerance with the ground truth, in samples (0.5 ms at 20 kHz).
TOLERANCE = 10


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    """A 4-second 32-channel recording written as a .dat, and its 2-shank PRB."""
    rec = SyntheticRecording(n_channels=32, duration=4.0, n_units=8, amplitude=(100., 160.),
                             seed=2)
    folder = tmp_path_factory.mktemp("detect_raw")
    rec.dat_path = rec.write_dat(folder / "rec.dat")
    graph = rec.channel_groups[0]["graph"]
    geometry = rec.channel_groups[0]["geometry"]
    groups = {g: dict(channels=ch, graph=[e for e in graph if set(e) <= set(ch)],
                      geometry={c: geometry[c] for c in ch}) for g, ch in enumerate(SHANKS)}
    rec.prb_path = folder / "two_shanks.prb"
    rec.prb_path.write_text(f"channel_groups = {groups!r}\n")
    return rec


def write_prm(folder, recording, name="exp", prb=None, raw=None, spikedetekt=None, **traces):
    """A PRM in `folder` for the recording (absolute paths unless given)."""
    raw = [str(recording.dat_path)] if raw is None else raw
    traces = {"raw_data_files": raw, "sample_rate": 20000,
              "n_channels": 32, "dtype": "int16", **traces}
    path = folder / "params.prm"
    path.write_text(f"experiment_name = {name!r}\nprb_file = {str(prb or recording.prb_path)!r}\n"
                    f"traces = {traces!r}\n"
                    f"spikedetekt = {dict(n_excerpts=4, **(spikedetekt or {}))!r}\n")
    return path


def run(*args):
    return CliRunner().invoke(phycli, ["detect", *map(str, args)])


@pytest.fixture(scope="module")
def detected(recording, tmp_path_factory):
    prm = write_prm(tmp_path_factory.mktemp("detect_out"), recording)
    result = run(prm)
    assert result.exit_code == 0, result.output
    return prm.parent / "exp.kwik", result.output


def test_one_channel_group_per_shank_and_kwik_layout(recording, detected):
    kwik, output = detected
    assert "written to" in output and "phy kwik-gui" in output
    assert "Detecting spikes: 4.0 s of 4.0 s (100%), 0 s left" in output
    assert sorted(p.name for p in kwik.parent.iterdir()) == ["exp.kwik", "exp.kwx", "params.prm"]
    with h5py.File(kwik, "r") as f, h5py.File(kwik.with_suffix(".kwx"), "r") as x:
        assert sorted(f["channel_groups"]) == ["0", "1"]
        sd = f["application_data/spikedetekt"].attrs
        assert sd["n_excerpts"] == 4 and sd["extract_s_before"] == 10
        assert sd["pca_n_waveforms_max"] == 10000 and sd["sample_rate"] == 20000
        assert f.attrs["name"].tobytes().rstrip(b"\0").decode() == str(kwik.with_suffix(""))
        for g, channels in enumerate(SHANKS):
            node = f[f"channel_groups/{g}"]
            assert node.attrs["channel_order"].tolist() == channels
            n = len(node["spikes/time_samples"])
            assert x[f"channel_groups/{g}/features_masks"].shape == (n, 16 * 3, 2)
            main = node["spikes/clusters/main"][:]
            assert np.array_equal(main, node["spikes/clusters/original"][:])
            assert main.min() >= 0 and main.max() < 16
            assert node["cluster_groups/main/3"].attrs["name"].tobytes().startswith(b"Unsorted")


def test_streamed_output_equals_the_pipeline(recording, detected):
    """Features and masks written chunk by chunk are those of the in-memory pipeline."""
    kwik, _ = detected
    out = SpikeDetekt(20000.0, read_prb(recording.prb_path), n_excerpts=4).run(recording[:])
    for g in range(len(SHANKS)):
        m = KwikModel(kwik, channel_group=g)
        try:
            expected = out.groups[g]
            assert np.array_equal(m.spike_samples, expected.spike_samples)
            assert np.allclose(m.features, expected.features.reshape(m.n_spikes, -1))
            assert np.allclose(m.masks[:, ::3], expected.masks)
            assert np.array_equal(m.spike_clusters, expected.peak_channels)
        finally:
            m.close()


def _recall_precision(detected_samples, truth):
    """Fraction of `truth` with a detected spike nearby, and of detected spikes near a truth."""
    def near(a, b):
        j = np.clip(np.searchsorted(b, a), 1, max(len(b) - 1, 1))
        return np.minimum(np.abs(b[j - 1] - a), np.abs(b[j] - a)) <= TOLERANCE
    return near(truth, detected_samples).mean(), near(detected_samples, truth).mean()


def test_detected_spikes_match_the_ground_truth(recording, detected):
    kwik, _ = detected
    nsw = recording.templates.shape[1]
    s = recording.spike_samples
    isolated = (np.diff(s, prepend=-10 ** 9) > nsw) & (np.diff(s, append=10 ** 12) > nsw)
    for g, channels in enumerate(SHANKS):
        m = KwikModel(kwik, channel_group=g)
        try:
            assert m.n_spikes > 50 and m.duration == pytest.approx(4.0)
            # Units with their main channel on this shank are found there.
            on_shank = np.isin(recording.main_channels[recording.spike_units], channels)
            recall, _ = _recall_precision(m.spike_samples, s[isolated & on_shank])
            # Detected spikes are spikes of some unit (footprints may cross shanks).
            _, precision = _recall_precision(m.spike_samples, s)
            assert recall >= 0.9 and precision >= 0.9, (g, recall, precision)
            # The starting clusters are the peak channels: where the unit's template is large.
            truth = s[isolated & on_shank]
            j = np.abs(m.spike_samples[:, None] - truth[None, :]).argmin(axis=0)
            units = recording.spike_units[isolated & on_shank]
            peak = np.asarray(channels)[m.spike_clusters[j]]
            amplitude = -recording.templates.min(axis=1)  # (n_units, n_channels)
            ratio = amplitude[units, peak] / amplitude[units].max(axis=1)
            assert np.mean(ratio >= 0.7) > 0.9, np.mean(ratio >= 0.7)
        finally:
            m.close()


def test_several_recordings_and_builtin_probe(recording, tmp_path):
    data = np.fromfile(recording.dat_path, dtype=np.int16).reshape(-1, 32)
    data[:30000].tofile(tmp_path / "a.dat")
    data[30000:].tofile(tmp_path / "b.dat")
    prm = write_prm(tmp_path, recording, prb="1x32_buzsaki", raw=["a.dat", "b.dat"])
    out = detect(prm)
    m = KwikModel(out.kwik_path)
    try:
        assert m.channel_groups == [0] and m.n_recordings == 2
        assert m.channel_order.tolist() == list(range(32))
        assert m.recording_offsets == {0: 0, 1: 30000}
        with h5py.File(out.kwik_path, "r") as f:
            rec = f["channel_groups/0/spikes/recording"][:]
            t = f["channel_groups/0/spikes/time_samples"][:].astype(np.int64)
            assert f["recordings/1/raw"].attrs["dat_path"].tobytes().startswith(b"b.dat")
        assert set(rec.tolist()) == {0, 1} and t[rec == 1].max() < 50000
        assert np.array_equal(m.spike_samples, t + 30000 * rec)
        assert m.traces is not None and m.traces.shape == (80000, 32)
    finally:
        m.close()


@pytest.fixture
def folder(tmp_path):
    """An empty folder for the PRM and the outputs."""
    (tmp_path / "d").mkdir()
    return tmp_path / "d"


def _state(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_overwrite(recording, folder):
    prm = write_prm(folder, recording)
    assert run(prm).exit_code == 0
    before = _state(folder)
    result = run(prm)
    assert result.exit_code == 1 and "--overwrite" in result.output
    assert "exp.kwik and" in result.output and _state(folder) == before
    (folder / "exp.kwik").unlink()  # the .kwx alone also blocks the run
    result = run(prm)
    assert result.exit_code == 1 and "exp.kwx already exist" in result.output
    assert not (folder / "exp.kwik").exists()
    write_prm(folder, recording, spikedetekt=dict(n_features_per_channel=2))
    result = run(prm, "--overwrite")
    assert result.exit_code == 0, result.output
    with h5py.File(folder / "exp.kwx", "r") as f:
        assert f["channel_groups/0/features_masks"].shape[1] == 16 * 2
    assert sorted(_state(folder)) == ["exp.kwik", "exp.kwx", "params.prm"]


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_interrupted_run_leaves_nothing(recording, folder, monkeypatch, error):
    prm = write_prm(folder, recording)
    old = {"exp.kwik": b"old kwik", "exp.kwx": b"old kwx"}
    for name, content in old.items():
        (folder / name).write_bytes(content)
    calls = []
    original = SpikeDetekt._filtered

    def failing(self, raw, start, stop):
        calls.append(start)
        if len(calls) == 7:  # after the 4 excerpts and 2 chunks: spikes written to files
            raise error("interrupted")
        return original(self, raw, start, stop)

    monkeypatch.setattr(SpikeDetekt, "_filtered", failing)
    with pytest.raises(error):
        detect(prm, overwrite=True)
    assert len(calls) == 7
    assert _state(folder) == {**old, "params.prm": prm.read_bytes()}
    calls.clear()
    result = run(prm, "--overwrite")
    assert result.exit_code == 1 and len(calls) == 7
    assert _state(folder) == {**old, "params.prm": prm.read_bytes()}


def _bad_prms(folder, recording):
    """``(prm, expected message parts)`` of bad PRM, PRB and raw files."""
    (folder / "bad.prb").write_text("import os\n")
    (folder / "wide.prb").write_text("channel_groups = {0: {'channels': [0, 40]}}\n")
    (folder / "short.dat").write_bytes(b"\0" * 1001)
    cases = [
        (["Unknown probe 'nope'", "1x32_buzsaki"], dict(prb="nope")),
        (["bad.prb", "line 1", "import os"], dict(prb=folder / "bad.prb")),
        (["channel 40", "32 channels"], dict(prb=folder / "wide.prb")),
        (["gone.dat", "does not exist"], dict(raw=["gone.dat"])),
        (["short.dat", "1,001 bytes", "32 channels of int16", "n_channels"],
         dict(raw=[str(folder / "short.dat")])),
        (["rec.dat", "33 channels of int16"], dict(n_channels=33, prb="1x32_buzsaki")),
        (["dtype", "'int17'"], dict(dtype="int17")),
        (["sample_rate", "-5"], dict(sample_rate=-5)),
        (["no raw data file"], dict(raw=[])),
        (["spikedetekt", "'sideways'"], dict(spikedetekt=dict(detect_spikes="sideways"))),
    ]
    yield folder / "missing.prm", ["missing.prm"]
    for parts, kwargs in cases:
        yield write_prm(folder, recording, **kwargs), ["params.prm"] + parts
    (folder / "params.prm").write_text("experiment_name = = 1\n")
    yield folder / "params.prm", ["params.prm", "line 1"]


def test_bad_inputs_give_one_line_errors(recording, folder):
    for prm, parts in _bad_prms(folder, recording):
        before = sorted(p.name for p in folder.iterdir())
        result = run(prm)
        lines = result.output.strip().splitlines()
        assert result.exit_code == 1, (prm, result.output)
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
        assert all(part in lines[0] for part in parts), (parts, lines[0])
        assert "Traceback" not in result.output and "--debug" not in result.output
        assert sorted(p.name for p in folder.iterdir()) == before


def test_terminal_progress():
    stream = io.StringIO()
    progress = TerminalProgress(1000.0, stream)
    for done in range(100, 2001, 100):
        progress(done, 2000, (2000 - done) / 1000)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 11 and lines[0] == "Detecting spikes: 0.1 s of 2.0 s (5%), 2 s left"
    assert lines[-1] == "Detecting spikes: 2.0 s of 2.0 s (100%), 0 s left"

    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    progress = TerminalProgress(1000.0, stream)
    progress(500, 1000, 3.0)
    progress(1000, 1000, 0.0)
    text = stream.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n") and text.count("\n") == 1
    assert "(50%), 3 s left" in text


def test_the_kwik_gui_opens_the_result(qtbot, detected, make_kwik_controller):
    from ...cluster.views.conftest import pixels

    kwik, _ = detected
    c = make_kwik_controller(kwik, channel_group=1)
    gui = c.create_gui(default_views=["WaveformView", "FeatureView", "TraceView"])
    with qtbot.waitExposed(gui):
        gui.show()
    cluster = int(np.bincount(c.model.spike_clusters).argmax())
    c.supervisor.select([cluster])
    c.supervisor.block()
    for name in ("WaveformView", "FeatureView"):
        view = gui.get_view(name)
        qtbot.waitUntil(lambda v=view: v.cluster_ids == [cluster])
        assert pixels(view).drawn().sum() > 50, name
