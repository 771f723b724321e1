"""User settings of an object (a view): declared once, shown in a dialog, applied all or none.

An object lists its user parameters as :class:`Setting` instances (a view: its ``settings``
class attribute). Each setting reads the current value of the object in the unit shown to the
user (``scale`` converts: a bin size stored in seconds and shown in milliseconds has
``scale=1000``) and applies a new value either through a method of the object taking the shown
value (``setter='set_bin'``, as typed in a snippet), or by setting the attribute (divided by
the scale), followed by ``plot()`` or ``redraw()`` if the attribute alone does not update the
object (``update=``). :func:`apply_settings` applies several values at once, in the declared
order, and either applies all of them or none. No Qt here: the dialog is in
:mod:`phy.gui.settings_dialog`.

Example::

    settings = (
        Setting('bin_size', 'Bin size (ms)', float, 0.001, 1000, scale=1e3, setter='set_bin'),
        Setting('show_labels', 'Show labels', bool, setter='toggle_labels'),
        Setting('amplitudes_type', 'Amplitudes', str, choices=lambda view: list(view.amplitudes),
                update='plot'),
    )
"""

import logging

logger = logging.getLogger(__name__)

#: The kinds of settings: numbers, a check box, or a choice among strings.
KINDS = (float, int, bool, str)
#: What to call on the object after setting attributes: prepare again, or draw again.
UPDATES = (None, "plot", "redraw")


class _Attributes:
    """A mapping of the attributes of an object, to fill a label with ``str.format_map``."""

    def __init__(self, obj):
        self._obj = obj

    def __getitem__(self, key):
        return getattr(self._obj, key)


class Setting:
    """One user parameter of an object, shown as one field of the settings dialog.

    Parameters
    ----------
    name : str
        The attribute of the object holding the value (persisted in the GUI state when it is
        in the view's ``state_attrs`` or ``local_state_attrs``).
    label : str
        The text of the field; ``{attr}`` is replaced by the object's attribute (for example
        ``'Bin size ({bin_unit})'``).
    kind : type
        ``float`` or ``int`` (a spin box), ``bool`` (a check box) or ``str`` (a choice among
        ``choices``).
    minimum, maximum : number
        The range of a number, in the shown unit (None: unbounded).
    step : number
        The step of the spin box arrows (None: about a tenth of the value for floats, 1 for
        integers).
    decimals : int
        Decimals shown for a float.
    scale : float
        Shown value = stored value * scale.
    choices : sequence or function
        The choices of a ``str`` setting, or a function of the object returning them.
    getter : str or function
        The attribute read (default: `name`), or a function of the object returning the stored
        value (scaled as well).
    setter : str
        A method of the object applying a shown value (it updates the object itself). Without
        it, the attribute `name` is set to the value divided by the scale.
    index : int
        For an attribute that is a tuple (``box_scaling = (width, height)``): the component.
    update : str
        ``'plot'`` (prepare again) or ``'redraw'`` (draw again) after setting the attribute;
        None when the attribute's own setter or `setter` updates the object.
    persisted_by : tuple
        The state attributes that persist the value (default: ``(name,)``); for a value
        derived from others (a bin size from the number of bins and the range).
    tooltip : str
        Help text of the field.

    """

    def __init__(self, name, label, kind=float, minimum=None, maximum=None, step=None,
                 decimals=3, scale=1.0, choices=None, getter=None, setter=None, index=None,
                 update=None, persisted_by=None, tooltip=None):
        if kind not in KINDS:
            raise ValueError(f"Setting {name!r}: the kind must be one of float, int, bool, str.")
        if kind is str and choices is None:
            raise ValueError(f"Setting {name!r}: a str setting needs its `choices`.")
        if update not in UPDATES:
            raise ValueError(f"Setting {name!r}: `update` must be None, 'plot' or 'redraw'.")
        self.name, self.label, self.kind = name, label, kind
        self.minimum, self.maximum, self.step = minimum, maximum, step
        self.decimals, self.scale = int(decimals), float(scale)
        self.choices, self.getter, self.setter = choices, getter, setter
        self.index, self.update, self.tooltip = index, update, tooltip
        self.persisted_by = tuple(persisted_by) if persisted_by is not None else (name,)

    def __repr__(self):
        return f"<Setting {self.key} ({self.kind.__name__})>"

    @property
    def key(self):
        """Unique name of the setting: ``name``, or ``name[index]`` for a tuple component."""
        return self.name if self.index is None else f"{self.name}[{self.index}]"

    def text(self, obj):
        """The label of the field, with the object's attributes filled in."""
        return self.label.format_map(_Attributes(obj))

    def options(self, obj):
        """The choices of a ``str`` setting, as a list of strings."""
        choices = self.choices(obj) if callable(self.choices) else self.choices
        return [str(c) for c in choices]

    def _convert(self, value):
        if self.kind is bool:
            return bool(value)
        if self.kind is str:
            return str(value)
        return self.kind(value)

    def get(self, obj):
        """The current value of the object, in the shown unit."""
        if callable(self.getter):
            value = self.getter(obj)
        else:
            value = getattr(obj, self.getter or self.name)
        if self.index is not None:
            value = value[self.index]
        if self.kind in (float, int):
            value = float(value) * self.scale
            return int(round(value)) if self.kind is int else value
        return self._convert(value)

    def set(self, obj, value):
        """Apply a shown value to the object (through `setter`, or the attribute).

        Raises
        ------
        ValueError
            When the object refuses the value.

        """
        value = self._convert(value)
        if self.setter is not None:
            getattr(obj, self.setter)(value)
            return
        if self.kind in (float, int) and self.scale != 1:
            value = value / self.scale
        if self.index is not None:
            components = list(getattr(obj, self.name))
            components[self.index] = value
            value = tuple(components)
        setattr(obj, self.name, value)


def apply_settings(obj, settings, values):
    """Apply new values of some settings to an object: all of them, or none.

    The values are applied in the order of `settings`. A value the object refuses (a
    ``ValueError``, for example a bin size larger than the current window, when the window is
    changed too) is tried again once after the others. If some values are still refused,
    the ones applied are set back to their previous values and a ``ValueError`` names the
    refused settings. Then ``plot()`` or ``redraw()`` runs once if a setting asks for it.

    Parameters
    ----------
    obj : object
        The object (a view).
    settings : sequence of Setting
        Its settings.
    values : dict
        ``{setting key: shown value}`` of the settings to change.

    Returns
    -------
    applied : list of Setting
        The settings applied.

    """
    by_key = {s.key: s for s in settings}
    unknown = sorted(set(values) - set(by_key))
    if unknown:
        raise ValueError(
            f"{type(obj).__name__} has no setting {', '.join(map(repr, unknown))} (settings: "
            f"{', '.join(by_key)}).")
    pending = [s for s in settings if s.key in values]
    applied, errors = [], {}
    for _ in range(2):
        refused = []
        for setting in pending:
            previous = setting.get(obj)
            try:
                setting.set(obj, values[setting.key])
            except ValueError as e:
                refused.append(setting)
                errors[setting.key] = e
                continue
            applied.append((setting, previous))
        pending = refused
        if not pending:
            break
    if pending:
        for setting, previous in reversed(applied):
            try:
                setting.set(obj, previous)
            except ValueError as e:  # pragma: no cover - the previous values were accepted.
                logger.warning("Could not restore %s of %s: %s", setting.key, obj, e)
        raise ValueError("\n".join(f"{s.text(obj)}: {errors[s.key]}" for s in pending))
    updates = {s.update for s, _ in applied}
    if "plot" in updates:
        obj.plot()
    elif "redraw" in updates:
        obj.redraw()
    return [s for s, _ in applied]
