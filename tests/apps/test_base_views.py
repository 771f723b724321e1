"""The views the base controller makes (phy/apps/base_views.py), on the live clustering."""

import numpy as np

from phy.cluster import correlograms


def _close(view):
    view.canvas.close()


def test_correlogram_and_isi_views_follow_a_merge(real_dir, make_controller):
    c = make_controller(real_dir)
    s = c.supervisor
    merged = s.merge([0, 1]).added[0]
    view = c.create_correlogram_view()
    spikes = c.get_spike_ids(merged)
    expected = correlograms(
        c.spike_times[spikes], np.full(spikes.size, merged), cluster_ids=[merged],
        sample_rate=c.model.sample_rate, bin_size=1e-3, window_size=50e-3)
    got = view.correlograms([merged], 1e-3, 50e-3)
    np.testing.assert_array_equal(got, expected)
    isi = c.create_isi_view().cluster_stat(merged).data
    np.testing.assert_allclose(isi, np.diff(c.get_spike_times(merged).data))
    _close(view)


def test_probe_view_best_channels_are_the_clusters(real_dir, make_controller):
    c = make_controller(real_dir)
    view = c.create_probe_view()
    for cluster_id in c.supervisor.cluster_ids[:5]:
        np.testing.assert_array_equal(view.best_channels(cluster_id),
                                      c.get_best_channels(cluster_id))
    np.testing.assert_array_equal(view.positions, c.model.channel_positions)
    _close(view)


def test_amplitude_and_cluster_scatter_views(real_dir, make_controller):
    c = make_controller(real_dir)
    amplitude = c.create_amplitude_view()
    assert list(amplitude.amplitudes) == ["template", "feature"]  # no raw data here
    (bunch,) = amplitude.amplitudes["template"]([3])
    np.testing.assert_array_equal(bunch.spike_ids, c.get_spike_ids(3))
    scatter = c.create_cluster_scatter_view()
    assert (scatter.x_axis, scatter.y_axis, scatter.size) == ("amp", "depth", "fr")
    _close(amplitude)
    _close(scatter)
