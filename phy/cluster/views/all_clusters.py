"""What the views showing every cluster share: cluster order, colours, clicks, cluster changes.

The raster, template and cluster scatter views show all the clusters, not only the selected
ones. :class:`AllClustersMixin` (put before :class:`~phy.cluster.views.base.ManualClusteringView`
in the bases) keeps:

* ``all_cluster_ids``: the clusters shown, in the order of the cluster view (the view follows
  the cluster view's ``table_sort`` and ``table_filter`` events: :meth:`update_cluster_sort`,
  :meth:`set_cluster_ids`);
* the colours: those of the :class:`~phy.utils.ClusterColorSelector` for all clusters (dimmed),
  the selected clusters in their selection colours (``selected_color(i)``), as in the other
  views; ``color_mapping_changed`` and shift+wheel (next colour field) call ``update_color``
  (:class:`ColorSchemeMixin`, which the trace view uses too);
* the clicks: a click with the modifiers of ``click_events`` on a cluster (``cluster_at(pos)``,
  written by the view) emits the event asking the supervisor to change the selection
  (``request_select``, ``select_more``, ``request_select_similar``);
* the clustering changes: :meth:`on_cluster` puts the new clusters of a merge or a split at the
  place of the old ones, then calls the view's ``on_clusters_changed(up)``.

A view implements ``cluster_at(pos)``, ``on_clusters_changed(up)`` (update in place after
``all_cluster_ids`` changed, ``up`` is None after a sort or a filter) and ``update_color()``.
"""

import numpy as np

from phy.utils import ClusterColorSelector, connect, emit
from phy.utils import bus_events as ev

from ..tables import ClusterView


def replace_clusters(cluster_ids, deleted, added):
    """Cluster order after a change: the added clusters take the place of the first deleted one.

    Without any deleted cluster shown, the added ones go at the end.
    """
    cluster_ids = [int(c) for c in cluster_ids]
    deleted = {int(c) for c in deleted}
    added = [int(c) for c in added if int(c) not in set(cluster_ids) - deleted]
    at = next((i for i, c in enumerate(cluster_ids) if c in deleted), len(cluster_ids))
    kept_before = [c for c in cluster_ids[:at] if c not in deleted]
    kept_after = [c for c in cluster_ids[at:] if c not in deleted]
    return np.array(kept_before + added + kept_after, dtype=np.int64)


class ColorSchemeMixin:
    """Cluster colours from a colour selector whose colour scheme (field) shift+wheel changes.

    The view sets ``cluster_color_selector`` (a :class:`~phy.utils.ClusterColorSelector`, shared
    with the other views; None: no colour scheme to change) and implements ``update_color()``,
    called whenever the colour mapping changes (``color_mapping_changed`` on the bus, emitted by
    :meth:`next_color_scheme` too, so that every view follows).
    """

    cluster_color_selector = None

    def next_color_scheme(self, step=1):
        """Colour the clusters by the next field of the colour selector (shift+wheel)."""
        selector = self.cluster_color_selector
        if selector is None:
            return
        fields = selector.fields
        i = fields.index(selector.color_field) if selector.color_field in fields else -1
        selector.set_color_mapping(color_field=fields[(i + step) % len(fields)])
        emit(ev.COLOR_MAPPING_CHANGED, self)

    def _on_color_mapping_changed(self, sender):
        if not self._closed:
            self.update_color()

    def on_mouse_wheel(self, e):
        """Shift+wheel: the next (or previous) colour scheme."""
        super().on_mouse_wheel(e)
        dx, dy = e.delta
        if e.modifiers == ("Shift",) and (dx or dy):
            self.next_color_scheme(1 if (dy or dx) > 0 else -1)

    def attach(self, gui):
        """Attach the view; follow the colour mapping."""
        super().attach(gui)
        connect(self._on_color_mapping_changed, event=ev.COLOR_MAPPING_CHANGED)


class AllClustersMixin(ColorSchemeMixin):
    """Order, colours, clicks and clustering changes of a view that shows every cluster.

    Call :meth:`init_all_clusters` in the constructor.
    """

    #: Brightness of the clusters that are not selected (their colours are darkened, and opaque:
    #: many overlapping spikes do not add up to the full colour).
    unselected_brightness = 0.5
    #: ``{modifiers: event}`` of the left clicks on a cluster (modifiers sorted).
    click_events = {("Control",): ev.REQUEST_SELECT, ("Shift",): ev.SELECT_MORE}

    def init_all_clusters(self, cluster_ids=None, cluster_color_selector=None):
        """Set the clusters shown and the colour selector (a new one colouring by cluster id)."""
        self.all_cluster_ids = np.asarray(
            cluster_ids if cluster_ids is not None else [], dtype=np.int64)
        self.cluster_color_selector = cluster_color_selector or ClusterColorSelector(
            cluster_ids=self.all_cluster_ids)

    # Order
    # ---------------------------------------------------------------------------------------------

    def set_cluster_ids(self, cluster_ids):
        """Set the shown clusters, which can be filtered and in any order (from top to bottom)."""
        self.all_cluster_ids = np.asarray(cluster_ids, dtype=np.int64)
        self.on_clusters_changed(None)

    def update_cluster_sort(self, cluster_ids):
        """Update the order of all clusters: those of `cluster_ids` first, in its order."""
        cluster_ids = [int(c) for c in cluster_ids]
        listed = set(cluster_ids)
        shown = set(self.all_cluster_ids.tolist())
        self.all_cluster_ids = np.array(
            [c for c in cluster_ids if c in shown]
            + [c for c in self.all_cluster_ids.tolist() if c not in listed], dtype=np.int64)
        self.on_clusters_changed(None)

    def on_cluster(self, up):
        """Show the clusters of a clustering change in place (before the new selection)."""
        if up.added or up.deleted:
            self.all_cluster_ids = replace_clusters(self.all_cluster_ids, up.deleted, up.added)
            self.on_clusters_changed(up)
        elif up.metadata_changed:
            self.update_color()

    # Colours
    # ---------------------------------------------------------------------------------------------

    def cluster_colors(self, cluster_ids=None, selected=None):
        """RGBA colours of clusters (all shown by default): dimmed, the selected ones highlighted.

        The selected clusters (``self.cluster_ids`` by default) have the colours of the other
        views (``selected_color(i)``).
        """
        cluster_ids = self.all_cluster_ids if cluster_ids is None else np.asarray(cluster_ids)
        selected = self.cluster_ids if selected is None else selected
        colors = np.asarray(
            self.cluster_color_selector.get_colors(cluster_ids), dtype=np.float32).reshape(-1, 4)
        colors[:, :3] *= self.unselected_brightness
        position = {int(c): i for i, c in enumerate(cluster_ids)}
        for i, c in enumerate(selected):
            if int(c) in position:
                colors[position[int(c)]] = self.selected_color(i)
        return colors

    # Mouse
    # ---------------------------------------------------------------------------------------------

    def cluster_at(self, pos):
        """The cluster under a mouse position in pixels, or None (to override)."""
        return None

    def on_mouse_click(self, e):
        """Select the cluster under the mouse (see ``click_events``)."""
        event = self.click_events.get(tuple(sorted(e.modifiers)))
        if event is None or e.button != "Left":
            return
        cluster_id = self.cluster_at(e.pos)
        if cluster_id is not None:
            emit(event, self, [int(cluster_id)])

    # GUI
    # ---------------------------------------------------------------------------------------------

    def attach(self, gui):
        """Attach the view; follow the cluster view's order (and the colour mapping)."""
        super().attach(gui)
        connect(self._on_table_sort, event=ev.TABLE_SORT)
        connect(self._on_table_filter, event=ev.TABLE_FILTER)

    def _on_table_sort(self, sender, cluster_ids):
        if isinstance(sender, ClusterView) and not self._closed:
            self.update_cluster_sort(cluster_ids)

    def _on_table_filter(self, sender, cluster_ids):
        if isinstance(sender, ClusterView) and not self._closed:
            self.set_cluster_ids(cluster_ids)
