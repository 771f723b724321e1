"""Curation files of a controller: SpikeInterface export/import, revert to the sorter output.

:class:`CurationFileMixin` adds to a controller whose model has ``sorter_output()``
(:class:`~phy.apps.template.TemplateModel`) three actions of the File menu, also methods:

* ``export_curation(path)``: the live curation as SpikeInterface JSON (:mod:`.curation_json`).
* ``import_curation(path)``: a SpikeInterface curation applied as undoable actions.
* ``revert_to_sorter_output()``: after a confirmation, the clustering and the labels the sorter
  wrote, restored as undoable actions (the curation from the current clustering to the sorter's:
  splits, merges, labels; labels the sorter did not give are emptied). Undo goes back step by
  step; the files change only on save (the previous ones are kept in ``.phy/backups/``).
"""

import logging
from pathlib import Path

import numpy as np

from .curation_json import apply_curation, export_curation, read_curation, save_curation_json

logger = logging.getLogger(__name__)

#: Fields that are not curation labels (SpikeInterface's own unit ids).
NOT_LABELS = ("si_unit_id",)


def curation_labels(labels):
    """The fields exported as labels: ``group`` and every field with text values."""
    return {f: v for f, v in labels.items() if f not in NOT_LABELS and (
        f == "group" or any(isinstance(x, str) for x in v.values()))}


def si_unit_map(metadata):
    """``{str(SpikeInterface unit id): cluster id}`` from ``cluster_si_unit_ids.tsv``."""
    return {str(v): int(c) for c, v in (metadata.get("si_unit_id") or {}).items()}


class CurationFileMixin:
    """SpikeInterface curation files and the revert to the sorter output (File menu)."""

    def _live_labels(self):
        s = self.supervisor
        return curation_labels({f: s.get_labels(f) for f in s.fields})

    def export_curation(self, path=None):
        """Write the current curation (from the sorter's clustering) as SpikeInterface JSON."""
        path = Path(path or self.dir_path / "curation.json")
        original, _ = self.model.sorter_output()
        save_curation_json(path, export_curation(
            original, self.supervisor.clustering.spike_clusters, self._live_labels()))
        return path

    def import_curation(self, path=None):
        """Apply a SpikeInterface curation file as undoable actions (splits, merges, labels)."""
        path = Path(path or self.dir_path / "curation.json")
        return apply_curation(self.supervisor, read_curation(path), path=path,
                              unit_map=si_unit_map(self.model.metadata))

    def revert_to_sorter_output(self, confirm=True):
        """Restore the sorter's clustering and labels as undoable actions (after a prompt)."""
        from phy.gui.dialogs import prompt

        if confirm and prompt(
                "Revert to the clustering and labels of the spike sorter? This is undoable, and "
                "the saved files change only when you save.", title="Revert") != "yes":
            return False
        original, sorter_labels = self.model.sorter_output()
        live = self._live_labels()
        ids = np.unique(original).tolist()
        labels = {f: {c: (sorter_labels.get(f) or {}).get(c, "") for c in ids}
                  for f in set(live) | set(curation_labels(sorter_labels))}
        current = self.supervisor.clustering.spike_clusters
        apply_curation(self.supervisor, export_curation(current, original, labels))
        return True

    def _add_controller_actions(self, gui):
        super()._add_controller_actions(gui)
        if not hasattr(self.model, "sorter_output"):
            return
        from phy.gui.actions import Actions
        from phy.gui.dialogs import input_dialog

        def ask(method, title):
            def action():
                text, ok = input_dialog(title, "JSON file:", str(self.dir_path / "curation.json"))
                if ok and text:
                    method(text)
            action.__name__ = method.__name__
            action.__doc__ = method.__doc__
            return action

        self.curation_actions = actions = Actions(gui, name="CurationFiles", menu="&File")
        actions.add(ask(self.export_curation, "Export the curation (SpikeInterface)"),
                    show_shortcut=False)
        actions.add(ask(self.import_curation, "Import a curation (SpikeInterface)"),
                    show_shortcut=False)
        actions.add(self.revert_to_sorter_output, show_shortcut=False)
