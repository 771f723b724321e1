"""Accumulate the data of several items of one visual, to draw them in one call.

A view adds the data of each item (one cluster, one channel...) with
``visual.add_batch_data(**data, box_index=...)``; the visual validates it and calls
:meth:`BatchAccumulator.add`. At the end, ``canvas.update_visual(visual)`` (or
``canvas.add_visual(visual)``) sets the concatenated :attr:`BatchAccumulator.data` at once, so
that N items of one kind are a single OpenGL draw call.
"""

import numpy as np

from phy.utils import Bunch


def _concat(values):
    """Concatenate arrays along their first axis, or lists one after the other."""
    if all(isinstance(v, (list, tuple)) for v in values):
        return [x for v in values for x in v]
    return np.concatenate([np.asarray(v) for v in values], axis=0)


class BatchAccumulator:
    """Accumulate data arrays for batch visuals.

    Attributes
    ----------
    n_items : int
        Total number of items added.
    n_vertices : int
        Total number of vertices added.

    """

    def __init__(self):
        self.reset()

    def reset(self):
        """Reset the accumulator."""
        self._items = {}
        self._noconcat = set()
        self.n_items = 0
        self.n_vertices = 0

    @property
    def is_empty(self):
        """Whether nothing has been added since the last reset."""
        return not self._items

    def add(self, b, noconcat=(), n_items=None, n_vertices=None, **kwargs):
        """Add data for a given batch iteration.

        Parameters
        ----------
        b : Bunch
            Data to add to the current batch iteration. Arrays are concatenated along their
            first axis, lists are concatenated, ``None`` values are skipped.
        noconcat : tuple
            List of keys that should not be concatenated: the first value is kept.
        n_items : int
            Number of visual items to add in this batch iteration (1 by default).
        n_vertices : int
            Number of vertices added in this batch iteration.
        **kwargs
            More data to add, like ``b``.

        Notes
        -----
        `n_items` and `n_vertices` differ for visuals like the TextVisual, where each item is a
        string drawn with six vertices per character.

        """
        data = {**b, **kwargs}
        keys = {k for k, v in data.items() if v is not None}
        if self._items and keys != set(self._items):
            raise ValueError(
                f"Batch data keys {sorted(keys)} differ from those added before "
                f"{sorted(self._items)}.")
        self._noconcat |= set(noconcat)
        for key in keys:
            self._items.setdefault(key, []).append(data[key])
        self.n_items += 1 if n_items is None else int(n_items)
        self.n_vertices += 0 if n_vertices is None else int(n_vertices)

    @property
    def data(self):
        """Return the concatenated data as a Bunch."""
        data = Bunch()
        for key, values in self._items.items():
            try:
                data[key] = values[0] if key in self._noconcat else _concat(values)
            except ValueError as e:
                raise ValueError(f"Cannot concatenate the batch data `{key}`: {e}") from e
        return data
