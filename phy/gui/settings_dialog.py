"""The settings dialog: one form field per :class:`~phy.gui.settings.Setting` of an object.

Spin boxes for numbers, check boxes for booleans, combo boxes for choices, pre-filled with the
object's current values. *OK* applies the changed fields only (all or none, see
:func:`~phy.gui.settings.apply_settings`) and closes the dialog; a refused value is shown in
the dialog, which stays open. *Cancel* changes nothing. The dialog is not modal: open it with
``show()``, the GUI keeps working meanwhile.
"""

import functools
import logging

from .qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
)
from .settings import apply_settings

logger = logging.getLogger(__name__)

#: The largest magnitude of a number without bounds.
_UNBOUNDED = 1e9
#: Smallest width of the dialog, in pixels.
MIN_WIDTH = 320


def _number_box(setting, value):
    """A spin box for a float or int setting."""
    low = setting.minimum if setting.minimum is not None else -_UNBOUNDED
    high = setting.maximum if setting.maximum is not None else _UNBOUNDED
    if setting.kind is int:
        box = QSpinBox()
        box.setRange(int(max(low, -(2 ** 31 - 1))), int(min(high, 2 ** 31 - 1)))
        box.setSingleStep(int(setting.step or 1))
    else:
        box = QDoubleSpinBox()
        box.setDecimals(setting.decimals)
        box.setRange(float(low), float(high))
        if setting.step is None:
            box.setStepType(QDoubleSpinBox.AdaptiveDecimalStepType)
        else:
            box.setSingleStep(float(setting.step))
    box.setValue(value)
    return box


class SettingsDialog(QDialog):
    """A form with the settings of an object, applied on OK.

    Parameters
    ----------
    obj : object
        The object whose settings are shown (a view).
    settings : sequence of Setting
        The fields, in order.
    title : str
        Window title.
    apply : function
        Called with ``{setting key: shown value}`` of the changed fields on OK; raises
        ``ValueError`` to refuse them (default: :func:`~phy.gui.settings.apply_settings`).
    parent : QWidget
        The parent window (the dialog stays above it).

    """

    def __init__(self, obj, settings, title="Settings", apply=None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(False)
        self.setMinimumWidth(MIN_WIDTH)
        self.settings = list(settings)
        self._apply = apply or functools.partial(apply_settings, obj, self.settings)
        self._widgets = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        for setting in self.settings:
            widget = self._make_widget(obj, setting)
            widget.setObjectName(setting.key)
            if setting.tooltip:
                widget.setToolTip(setting.tooltip)
            self._widgets[setting.key] = widget
            form.addRow(setting.text(obj), widget)
        self._initial = self.values()
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #e05050;")
        self.error_label.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    @staticmethod
    def _make_widget(obj, setting):
        value = setting.get(obj)
        if setting.kind is bool:
            widget = QCheckBox()
            widget.setChecked(value)
            return widget
        if setting.kind is str:
            widget = QComboBox()
            options = setting.options(obj)
            widget.addItems(options if value in options else [value, *options])
            widget.setCurrentText(value)
            return widget
        return _number_box(setting, value)

    # Values
    # ---------------------------------------------------------------------------------------------

    def widget(self, key):
        """The widget of a setting (a spin box, check box or combo box)."""
        if key not in self._widgets:
            raise ValueError(f"No setting {key!r} in this dialog (settings: "
                             f"{', '.join(self._widgets)}).")
        return self._widgets[key]

    def value(self, key):
        """The value shown in the field of a setting."""
        widget = self.widget(key)
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QComboBox):
            return widget.currentText()
        return widget.value()

    def set_value(self, key, value):
        """Set the field of a setting, as a user would (nothing is applied before OK)."""
        widget = self.widget(key)
        if isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QComboBox):
            if widget.findText(str(value)) < 0:
                raise ValueError(f"{value!r} is not a choice of the setting {key!r}.")
            widget.setCurrentText(str(value))
        else:
            widget.setValue(value)

    def values(self):
        """``{setting key: value shown}`` of every field."""
        return {key: self.value(key) for key in self._widgets}

    def changes(self):
        """``{setting key: value shown}`` of the fields changed since the dialog opened."""
        return {k: v for k, v in self.values().items() if v != self._initial[k]}

    # Buttons
    # ---------------------------------------------------------------------------------------------

    def accept(self):
        """Apply the changed fields and close; a refused value is shown and the dialog stays."""
        changes = self.changes()
        try:
            if changes:
                self._apply(changes)
        except Exception as e:  # A Qt override: never let an exception escape.
            if not isinstance(e, ValueError):
                logger.exception("Could not apply the settings %s.", changes)
            self.error_label.setText(str(e))
            self.error_label.show()
            return
        super().accept()
