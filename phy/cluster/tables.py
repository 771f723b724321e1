"""The two cluster tables of the supervisor: :class:`ClusterView` and :class:`SimilarityView`."""

import logging

from phy.gui.table import Table
from phy.utils import Bunch, emit
from phy.utils import bus_events as ev

logger = logging.getLogger(__name__)


class ClusterView(Table):
    """Display a table of all clusters with metrics and labels as columns. Derive from Table.

    Parameters
    ----------
    parent : Qt widget
    data : list
        List of dictionaries mapping fields to values.
    columns : list
        List of columns in the table.
    sort : 2-tuple
        Initial sort of the table as a pair ``(column_name, order)``, where order is either
        ``asc`` or ``desc``.

    Other keyword arguments go to :class:`phy.gui.Table` (``store=`` to show the rows of a
    :class:`phy.cluster.wizard.Wizard`, say).

    """

    _view_name = "ClusterView"

    def __init__(self, *args, data=None, columns=(), sort=None, **kwargs):
        kwargs.setdefault("title", self._view_name)
        super().__init__(*args, columns=columns, data=data, sort=sort, **kwargs)

    @property
    def state(self):
        """The view state: the current sort, ``Bunch(current_sort=(name, dir))``."""
        name, sort_dir = self.get_current_sort()
        return Bunch(current_sort=(name, sort_dir) if name else None)

    def set_state(self, state):
        """Set the cluster view state, with a specified sort (``state.current_sort``)."""
        sort = (state or {}).get("current_sort")
        if sort and sort[0] in self.columns:
            self.sort_by(*sort)


class SimilarityView(ClusterView):
    """Display a table of clusters with metrics and labels as columns, and a similarity column.

    This view displays clusters similar to the clusters currently selected in the cluster view.

    Parameters
    ----------
    similar_rows : function
        ``similar_rows(cluster_id)``: the rows of the clusters similar to a cluster (with a
        ``similarity`` field), called by :meth:`reset`.

    Events
    ------
    request_similar_clusters(cluster_id)
        Emitted by :meth:`reset` for phy 2 plugins. Only a view made without `similar_rows`
        takes its rows from the callbacks' answer.

    """

    _view_name = "SimilarityView"

    def __init__(self, *args, similar_rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._similar_rows = similar_rows

    def reset(self, cluster_ids):
        """Recreate the similarity view, given the selected clusters in the cluster view."""
        rows = []
        if cluster_ids:
            answer = emit(ev.REQUEST_SIMILAR_CLUSTERS, self, cluster_ids[0], single=True)
            rows = (self._similar_rows(cluster_ids[0]) if self._similar_rows is not None
                    else answer) or []
        self.remove_all_and_add([r for r in rows if r["id"] not in cluster_ids])
        self.set_selected_index_offset(len(cluster_ids))
