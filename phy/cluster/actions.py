"""The clustering actions of the supervisor: keyboard shortcuts, menus and snippets.

Two groups of actions (SHORTCUTS.md, "Clustering"): ``Clustering`` (menu Clustering: merge,
split, label, move, undo, redo, colors) and ``Select`` (menu Select: the wizard, selection,
sort and filter). The user overrides any binding in ``phy_config.py`` (see
:mod:`phy.gui.actions`).
"""

import functools

from phy.gui.actions import Actions
from phy.utils import colormaps

from .curation import GROUPS

#: Default keyboard shortcuts of the clustering actions.
DEFAULT_SHORTCUTS = {
    "merge": "g",
    "split": "k",
    "label": "l",
    "undo": "ctrl+z",
    "redo": ("ctrl+shift+z", "ctrl+y"),
    "next_best": "down",
    "previous_best": "up",
    "next": "space",
    "previous": "shift+space",
    "first": "home",
    "last": "end",
    "reset_wizard": "ctrl+alt+space",
    "select_first_similar": "ctrl+space",
    "unselect_similar": "backspace",
    "clear_filter": "esc",
}
_MOVE_MODIFIERS = {"best": "alt", "similar": "ctrl", "all": "ctrl+alt"}
DEFAULT_SHORTCUTS.update({
    f"move_{which}_to_{group}": f"{modifier}+{group[0]}"
    for which, modifier in _MOVE_MODIFIERS.items() for group in GROUPS})

#: Default snippets of the clustering actions (the others use their name).
DEFAULT_SNIPPETS = {
    "merge": "g",
    "split": "k",
    "label": "l",
    "select": "c",
    "filter": "f",
    "sort": "s",
}


def _short(prefix, name):
    """The snippet of a per-column or per-colormap action: prefix + 2 first letters."""
    return prefix + name[:2]


class ClusteringActions:
    """The clustering actions of a supervisor in a GUI.

    Parameters
    ----------
    supervisor : Supervisor
    gui : GUI

    Attributes
    ----------
    edit : Actions
        The ``Clustering`` group.
    select : Actions
        The ``Select`` group.

    """

    def __init__(self, supervisor, gui):
        self.supervisor = supervisor
        self.edit = Actions(gui, name="Clustering", menu="&Clustering",
                            default_shortcuts=DEFAULT_SHORTCUTS,
                            default_snippets=DEFAULT_SNIPPETS)
        self.select = Actions(gui, name="Select", menu="Sele&ct",
                              default_shortcuts=DEFAULT_SHORTCUTS,
                              default_snippets=DEFAULT_SNIPPETS)
        self._add_edit_actions()
        self._add_select_actions()
        self._add_sort_actions()
        self._add_color_actions()

    def __getattr__(self, name):
        """Delegate to the ``Clustering`` group, as phy 2's ``supervisor.actions``.

        A phy 2 plugin calls ``supervisor.actions.add(...)``.
        """
        if name == "edit":  # not set yet: no recursion
            raise AttributeError(name)
        return getattr(self.edit, name)

    def _add_edit_actions(self):
        s, add = self.supervisor, self.edit.add

        def merge(*cluster_ids):
            s.merge(list(cluster_ids) or None)

        add(merge, docstring="Merge the selected clusters (or the given ones).", set_busy=True)
        def split(spike_ids=None, spike_clusters_rel=0):  # phy 2 scripts pass spike ids
            s.split(spike_ids, spike_clusters_rel)

        add(split, set_busy=True, docstring="Split the spikes selected with the lasso (or the "
            "given spike ids, with relative cluster labels) into new clusters.")
        add(s.label, name="label", prompt=True,
            docstring="Label the selected clusters: type the label name and its value.")
        self.edit.separator()
        for which in _MOVE_MODIFIERS:
            for group in GROUPS:
                add(functools.partial(s.move, group, which), name=f"move_{which}_to_{group}",
                    docstring=f"Move the {which} clusters to {group}.",
                    submenu=f"Move {which} to")
        self.edit.separator()
        add(s.undo, name="undo", docstring="Undo the last action.")
        add(s.redo, name="redo", docstring="Redo the last undone action.")

    def _add_select_actions(self):
        s, add = self.supervisor, self.select.add
        add(lambda *cluster_ids: s.select(*cluster_ids), name="select",
            docstring="Select some clusters.")
        for name in ("next_best", "previous_best", "next", "previous", "first", "last",
                     "reset_wizard", "select_first_similar", "unselect_similar"):
            add(getattr(s, name), name=name, docstring=getattr(type(s), name).__doc__)
        self.select.separator()
        add(s.filter, name="filter", n_args=1, prompt=True,
            docstring="Filter the clusters with an expression, e.g. n_spikes > 1000.")
        add(lambda: s.filter(""), name="clear_filter", docstring="Clear the filter.")
        add(lambda column: s.sort(column), name="sort",
            docstring="Sort the clusters by a column, in decreasing order.")

    def _add_sort_actions(self):
        """One action per column: ``sort_by_<column>``, snippet ``:s<2 first letters>``."""
        for column in self.supervisor.columns:
            self.add_sort_action(column)

    def add_sort_action(self, column):
        """Add the action sorting by a column (if it does not exist yet)."""
        name = f"sort_by_{column}"
        if name not in self.select:
            self.select.add(
                functools.partial(self.supervisor.sort, column), name=name,
                alias=_short("s", column), docstring=f"Sort by {column}, decreasing.",
                submenu="Sort", show_shortcut=False)

    def _add_color_actions(self):
        s, add = self.supervisor, self.edit.add
        for field in s.color_selector.fields:
            self.add_color_field_action(field)
        for colormap in colormaps:
            add(functools.partial(s.change_colormap, colormap),
                name=f"change_colormap_{colormap}", alias=_short("cm", colormap),
                docstring=f"Use the {colormap} colormap.", submenu="Colormap",
                show_shortcut=False)
        add(s.toggle_categorical_colormap, name="toggle_categorical_colormap",
            checkable=True, checked=s.color_selector.categorical, submenu="Colormap",
            docstring="Use a categorical colormap (otherwise continuous).")
        add(s.toggle_logarithmic_colormap, name="toggle_logarithmic_colormap",
            checkable=True, checked=s.color_selector.logarithmic, submenu="Colormap",
            docstring="Use a logarithmic transform for the continuous colormaps.")

    def add_color_field_action(self, field):
        """Add the action coloring the clusters by a field (if it does not exist yet)."""
        name = f"color_field_{field}"
        if name not in self.edit:
            self.edit.add(
                functools.partial(self.supervisor.change_color_field, field), name=name,
                alias=_short("cf", field), docstring=f"Color the clusters by {field}.",
                submenu="Color field", show_shortcut=False)
