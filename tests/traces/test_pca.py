import numpy as np
import pytest

from phy.traces import PCA


def test_pca_fit_transform_shapes_and_reconstruction():
    rng = np.random.default_rng(0)
    t = np.linspace(-1, 1, 12)
    basis = np.stack([np.exp(-t ** 2 / 0.1), t * np.exp(-t ** 2 / 0.2)])  # 2 shapes
    coefs = rng.normal(size=(300, 2, 4)) * [[3.0], [1.0]]
    waveforms = np.einsum("sbc,bt->stc", coefs, basis).astype(np.float32)
    pca = PCA(n_pcs=2)
    with pytest.raises(RuntimeError, match="fit"):
        pca.transform(waveforms)
    pcs = pca.fit(waveforms)
    assert pcs.shape == (2, 12, 4) and pcs.dtype == np.float32
    # Orthonormal components spanning the two shapes: exact reconstruction.
    assert np.allclose(np.einsum("ptc,qtc->cpq", pcs, pcs), np.eye(2), atol=1e-5)
    features = pca.transform(waveforms)
    assert features.shape == (300, 4, 2) and features.dtype == np.float32
    rebuilt = np.einsum("scp,ptc->stc", features, pcs)
    assert np.allclose(rebuilt, waveforms, atol=1e-3)
    # Largest value of every component positive.
    flat = pcs.transpose(0, 2, 1).reshape(-1, 12)
    assert np.all(flat[np.arange(len(flat)), np.abs(flat).argmax(axis=1)] > 0)
    # Explicit pcs.
    assert np.allclose(pca.transform(waveforms[:5], pcs=pcs[:1]), features[:5, :, :1])


def test_pca_masks_select_the_spikes_of_a_channel():
    rng = np.random.default_rng(1)
    n, nt = 200, 10
    shape_a, shape_b = np.zeros(nt), np.zeros(nt)
    shape_a[3], shape_b[7] = 1.0, 1.0
    waveforms = np.zeros((2 * n, nt, 2), dtype=np.float32)
    waveforms[:n, :, 0] = rng.normal(1, 0.1, (n, 1)) * shape_a
    waveforms[n:, :, 0] = rng.normal(5, 0.1, (n, 1)) * shape_b  # masked out on channel 0
    waveforms[:, :, 1] = rng.normal(1, 0.1, (2 * n, 1)) * shape_b
    masks = np.ones((2 * n, 2))
    masks[n:, 0] = 0
    pcs = PCA(1).fit(waveforms, masks)
    assert np.argmax(pcs[0, :, 0]) == 3  # only the unmasked spikes count on channel 0
    assert np.argmax(PCA(1).fit(waveforms)[0, :, 0]) == 7  # without masks, the big ones win
    # A channel without unmasked spikes uses the components of all the channels.
    masks[:, 1] = 0
    masks[:n, 0] = 1
    pcs = PCA(1).fit(waveforms, masks)
    assert np.allclose(pcs[0, :, 1], pcs[0, :, 0])


def test_pca_errors():
    with pytest.raises(ValueError, match="n_spikes, n_samples, n_channels"):
        PCA(3).fit(np.zeros((10, 5)))
    with pytest.raises(ValueError, match="4 PCs"):
        PCA(4).fit(np.zeros((10, 3, 2)))
