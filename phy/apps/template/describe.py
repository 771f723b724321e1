"""The summary of a template dataset printed by ``phy template-describe``."""


def _raw_data(model):
    if model.traces is not None:
        n = model.traces.n_samples
        return f"{n:,} samples in {len(model.traces.paths)} file(s)"
    if not model.dat_path:
        return "absent (no dat_path)"
    missing = [p.name for p in model.dat_path if not p.exists()]
    return f"absent ({', '.join(missing)} not found)" if missing else "absent (unusable, see log)"


def _templates(model):
    if model.sparse_templates is None:
        return "absent (no templates.npy)"
    data, cols = model.sparse_templates.data, model.sparse_templates.cols
    kind = f"sparse, {data.shape[2]} columns" if cols is not None else "dense"
    return f"{data.shape[0]} × {data.shape[1]} samples ({kind})"


def _features(bunch, what):
    if bunch is None:
        return "absent"
    data, rows = bunch.data, bunch.rows
    n = data.shape[0]
    shape = (f"{data.shape[2]} PCs on {data.shape[1]} channels" if data.ndim == 3
             else f"{data.shape[1]} {what}")
    return f"{shape}, {n:,} spikes" + (" (subset)" if rows is not None else "")


def _present(model, key, absent):
    return "yes" if model._path(key) is not None else f"absent ({absent})"


def describe_lines(model):
    """Return the ``(label, value)`` rows describing a :class:`TemplateModel`."""
    rows = [
        ("Data files", ", ".join(str(p) for p in model.dat_path) or "(none)"),
        ("Directory", str(model.dir_path)),
        ("Duration", f"{model.duration:.1f}s"),
        ("Sample rate", f"{model.sample_rate / 1000.0:.1f} kHz"),
        ("Data type", str(model.dtype)),
        ("# of channels", model.n_channels),
        ("# of channels (raw)", model.n_channels_dat),
        ("# of templates", model.n_templates),
        ("# of spikes", f"{model.n_spikes:,}"),
        ("Raw data", _raw_data(model)),
        ("Templates", _templates(model)),
        ("Amplitudes", _present(model, "amplitudes", "zeros")),
        ("PC features", _features(model.sparse_features, "")),
        ("Template features", _features(model.sparse_template_features, "templates")),
        ("Similar templates", _present(model, "similar_templates", "zeros")),
        ("Whitening matrix", _present(model, "whitening_mat", "identity")),
        ("Waveform subset", "yes" if model.spike_waveforms is not None else "absent"),
        ("Spike attributes", ", ".join(sorted(model.spike_attributes)) or "none"),
        ("Metadata fields", ", ".join(sorted(model.metadata)) or "none"),
    ]
    return rows
