"""The plotting canvas: a canvas with a layout, pan/zoom, lasso, axes and one-call plots.

Example::

    canvas = PlotCanvas()
    canvas.set_layout('grid', shape=(2, 2))
    canvas.enable_panzoom()
    canvas.scatter(pos=positions, color=colors, box_index=(0, 0))
    canvas.plot(y=signals, box_index=(1, 0))
    canvas.show()

Batches: ``visual.add_batch_data(**data, box_index=...)`` for each item, then
``canvas.add_visual(visual)`` (or ``canvas.update_visual(visual)`` for a visual already in the
canvas) sets all items at once: one draw call.
"""

import inspect

from .axes import Axes
from .canvas import BaseCanvas
from .lasso import Lasso
from .layout import Boxed, Grid, Stacked
from .panzoom import PanZoom
from .visuals import (
    HistogramVisual,
    LineVisual,
    PlotVisual,
    PolygonVisual,
    ScatterVisual,
    TextVisual,
    UniformPlotVisual,
    UniformScatterVisual,
)

_ADD_VISUAL_OPTIONS = ("clearable", "exclude_origins", "key", "overlay")


class PlotCanvas(BaseCanvas):
    """Plotting canvas that supports different layouts, subplots, lasso, axes, panzoom."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lasso = None
        self.axes = None

    @property
    def canvas(self):
        """The canvas itself (views expose their canvas as ``view.canvas``)."""
        return self

    @property
    def grid(self):
        """The grid layout, or None (phy 2's ``canvas.grid``)."""
        return self.layout if isinstance(self.layout, Grid) else None

    @property
    def boxed(self):
        """The boxed layout, or None (phy 2's ``canvas.boxed``)."""
        return self.layout if type(self.layout) is Boxed else None

    @property
    def stacked(self):
        """The stacked layout, or None (phy 2's ``canvas.stacked``: ``stacked.n_boxes = n``)."""
        return self.layout if isinstance(self.layout, Stacked) else None

    def set_layout(
            self, layout=None, shape=None, n_plots=None, origin=None, box_bounds=None,
            box_pos=None, box_size=None, has_clip=True):
        """Set the plot layout: 'grid', 'boxed', 'stacked', or None; return it.

        With `has_clip`, the plots are clipped to their subplot or box.
        """
        if layout == "grid":
            Grid(shape=shape or (1, 1), has_clip=has_clip).attach(self)
        elif layout == "boxed":
            Boxed(
                box_bounds=box_bounds, box_pos=box_pos, box_size=box_size, has_clip=has_clip,
            ).attach(self)
        elif layout == "stacked":
            if n_plots is None:
                raise ValueError("A stacked layout needs `n_plots`.")
            Stacked(n_plots, origin=origin, has_clip=has_clip).attach(self)
        elif layout is None:
            if self.layout is not None:
                self.remove_interact(self.layout)
                self.layout = None
        else:
            raise ValueError(f"Unknown layout {layout!r}: use 'grid', 'boxed', 'stacked' or None.")
        return self.layout

    def enable_panzoom(self, **kwargs):
        """Enable pan zoom in the canvas (keyword arguments: those of PanZoom); return it."""
        if self.panzoom is None:
            PanZoom(**kwargs).attach(self)
        return self.panzoom

    def enable_lasso(self):
        """Enable lasso in the canvas; return it."""
        if self.lasso is None:
            self.lasso = Lasso()
            self.lasso.attach(self)
        return self.lasso

    def enable_axes(self, data_bounds=None, show_x=True, show_y=True):
        """Show axes in the canvas; return them."""
        if self.axes is None:
            self.axes = Axes(data_bounds=data_bounds, show_x=show_x, show_y=show_y)
            self.axes.attach(self)
        return self.axes

    def add_visual(self, visual, *args, **kwargs):
        """Add a visual and possibly set some data directly (or its batch data).

        Parameters
        ----------
        visual : BaseVisual
        clearable : bool
            Whether the visual should be deleted when calling canvas.clear().
        exclude_origins : list-like or 'all'
            Interacts that should not apply to that visual.
        key : str
            An optional key to identify the visual.
        overlay : bool
            Whether the visual is drawn after all the others (in front of the data).
        *args, **kwargs
            Data passed to ``visual.set_data()``.

        Adding a visual already in the canvas does nothing.
        """
        if self.has_visual(visual):
            return visual
        options = {k: kwargs.pop(k) for k in _ADD_VISUAL_OPTIONS if k in kwargs}
        super().add_visual(visual, **options)
        if args or kwargs or visual.has_batch_data:
            self.update_visual(visual, *args, **kwargs)
        return visual

    def update_visual(self, visual, *args, **kwargs):
        """Set the data of a visual, standalone (the arguments) or at the end of a batch."""
        if visual.has_batch_data and not args and not kwargs:
            visual.set_data(**visual.batch_data)
            visual.reset_batch()
        else:
            visual.set_data(*args, **kwargs)
        return visual

    def _add_standalone(self, cls, *args, **kwargs):
        """Create a visual (constructor keywords taken from kwargs), add it and set its data."""
        names = set(inspect.signature(cls.__init__).parameters) - {"self"}
        visual = cls(**{k: kwargs.pop(k) for k in list(kwargs) if k in names})
        return self.add_visual(visual, *args, **kwargs)

    def scatter(self, *args, **kwargs):
        """Add a standalone (no batch) scatter plot."""
        return self._add_standalone(ScatterVisual, *args, **kwargs)

    def uscatter(self, *args, **kwargs):
        """Add a standalone (no batch) uniform scatter plot."""
        return self._add_standalone(UniformScatterVisual, *args, **kwargs)

    def plot(self, *args, **kwargs):
        """Add a standalone (no batch) plot."""
        return self._add_standalone(PlotVisual, *args, **kwargs)

    def uplot(self, *args, **kwargs):
        """Add a standalone (no batch) uniform plot."""
        return self._add_standalone(UniformPlotVisual, *args, **kwargs)

    def lines(self, *args, **kwargs):
        """Add a standalone (no batch) line plot."""
        return self._add_standalone(LineVisual, *args, **kwargs)

    def text(self, *args, **kwargs):
        """Add a standalone (no batch) text plot."""
        return self._add_standalone(TextVisual, *args, **kwargs)

    def polygon(self, *args, **kwargs):
        """Add a standalone (no batch) polygon plot."""
        return self._add_standalone(PolygonVisual, *args, **kwargs)

    def hist(self, *args, **kwargs):
        """Add a standalone (no batch) histogram plot."""
        return self._add_standalone(HistogramVisual, *args, **kwargs)
