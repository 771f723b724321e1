"""The cluster selection and the wizard walking through the clusters: :class:`Wizard`.

The wizard holds the two row stores shown by the supervisor's tables
(:class:`phy.utils.row_store.RowStore`): the cluster view's (all clusters) and the similarity
view's (the clusters similar to the first selected one). Their selections are *the* cluster
selection: the *best* clusters (selected in the cluster view) and the *similar* clusters
(selected in the similarity view). The wizard walks the stores' shown order, the very order
on screen: next/previous best in the cluster view, next/previous in the similarity view,
skipping the ignored groups. It imports no Qt and holds no clustering: the action core
(:class:`phy.cluster.curation.Curation`) and the supervisor hold a wizard.

The ``select`` notifications go through a :class:`LatestOnly`: with a ``schedule`` function,
rapid requests are coalesced and only the latest selection is notified.
"""

from phy.utils.row_store import RowStore


class LatestOnly:
    """Coalesce rapid requests: only the latest pending request is processed.

    Parameters
    ----------
    process : function
        Called with the arguments of the latest request.
    schedule : function
        ``schedule(flush)`` arranges for ``flush`` to be called later (for example after a
        short quiet period). Without it, requests are processed at once.

    """

    def __init__(self, process, schedule=None):
        self._process = process
        self._schedule = schedule
        self._pending = None

    @property
    def pending(self):
        """Whether a request waits to be processed."""
        return self._pending is not None

    def submit(self, *args, **kwargs):
        """Request a processing; replaces the pending request, if any."""
        self._pending = (args, kwargs)
        if self._schedule is None:
            self.flush()
        else:
            self._schedule(self.flush)

    def flush(self):
        """Process the pending request now (nothing happens if there is none)."""
        if self._pending is None:
            return
        (args, kwargs), self._pending = self._pending, None
        self._process(*args, **kwargs)

    def cancel(self):
        """Drop the pending request."""
        self._pending = None


def as_id_list(cluster_ids):
    """A list of Python ints from None, an int, or an iterable (possibly nested once)."""
    if cluster_ids is None:
        return []
    if isinstance(cluster_ids, int) or getattr(cluster_ids, "ndim", None) == 0:
        return [int(cluster_ids)]
    out = []
    for c in cluster_ids:
        nested = isinstance(c, (list, tuple)) or getattr(c, "ndim", 0) > 0
        out.extend(as_id_list(c) if nested else [int(c)])
    return out


class Wizard:
    """The cluster selection in the two cluster tables, and the navigation through them.

    Parameters
    ----------
    similar_rows : function
        ``similar_rows(cluster_id)``: the rows of the clusters similar to a cluster
        (dictionaries with a ``similarity`` field), asked when the best clusters change.
    sort : tuple
        Initial sort of the cluster view, ``(column, 'asc' or 'desc')``.
    notify : function
        Called as ``notify(cluster_ids)`` with the new selection (coalesced, see `schedule`).
    schedule : function
        The ``schedule`` function of the :class:`LatestOnly` coalescing the notifications
        (None: notify at once).

    Attributes
    ----------
    cluster_rows : RowStore
        The cluster view's rows, sort, filter and selection (the best clusters).
    similarity_rows : RowStore
        The similarity view's rows, sort, filter and selection (the similar clusters).

    """

    def __init__(self, similar_rows=None, sort=None, notify=None, schedule=None):
        self.cluster_rows = RowStore(sort=sort or ("n_spikes", "desc"))
        self.similarity_rows = RowStore(sort=("similarity", "desc"))
        self._similar_rows = similar_rows
        self._similar_to = None  # the best clusters the similarity rows were made for
        self._notifier = LatestOnly(notify or (lambda cluster_ids: None), schedule)

    # Selection
    # ---------------------------------------------------------------------------------------------

    @property
    def best(self):
        """The clusters selected in the cluster view."""
        return list(self.cluster_rows.selected)

    @property
    def similar(self):
        """The clusters selected in the similarity view."""
        return list(self.similarity_rows.selected)

    @property
    def selected(self):
        """All selected clusters: those of the cluster view, then of the similarity view."""
        best = self.best
        return best + [c for c in self.similar if c not in best]

    def invalidate_similar(self):
        """The clusters changed: the similarity rows are made again at the next selection."""
        self._similar_to = None

    def _update_similar(self):
        """Make the similarity rows again if the best clusters changed."""
        best = self.best
        if best == self._similar_to:
            return
        self._similar_to = best
        rows = self._similar_rows(best[0]) if best and self._similar_rows else []
        self.similarity_rows.set_rows([r for r in rows if r["id"] not in best])
        self.similarity_rows.set_color_offset(len(best))

    def set_selection(self, best, similar=()):
        """Select clusters in the cluster view and in the similarity view; notify.

        `similar` may be ``'first'``: the first cluster of the new similarity view.
        """
        self.cluster_rows.select([c for c in as_id_list(best) if c in self.cluster_rows])
        self._update_similar()
        if isinstance(similar, str) and similar == "first":
            first = self.similarity_rows.first_id()
            similar = [first] if first is not None else []
        best = self.best
        self.similarity_rows.select([c for c in as_id_list(similar) if c not in best])
        self._notifier.submit(self.selected)

    def sync(self):
        """A table changed a selection (the user clicked): update the similarity view, notify."""
        self._update_similar()
        self._notifier.submit(self.selected)

    def flush(self):
        """Notify the pending selection now."""
        self._notifier.flush()

    def cancel(self):
        """Drop the pending notification."""
        self._notifier.cancel()

    def _done(self, callback):
        if callback is not None:
            callback(self.selected)
        return self.selected

    def select(self, *cluster_ids, callback=None):
        """Select a list of clusters (in the cluster view)."""
        self.set_selection(cluster_ids)
        return self._done(callback)

    # Navigation
    # ---------------------------------------------------------------------------------------------

    def _select_best(self, cluster_id, callback):
        if cluster_id is not None:
            self.set_selection([cluster_id])
        return self._done(callback)

    def _select_similar(self, cluster_id, callback):
        if cluster_id is not None:
            self.set_selection(self.best, [cluster_id])
        return self._done(callback)

    def next_best(self, callback=None):
        """Select the next best cluster in the cluster view (skipping ignored groups)."""
        return self._select_best(self.cluster_rows.next_id(+1), callback)

    def previous_best(self, callback=None):
        """Select the previous best cluster in the cluster view (skipping ignored groups)."""
        return self._select_best(self.cluster_rows.next_id(-1), callback)

    def next(self, callback=None):
        """Select the next cluster in the similarity view (the best one stays selected)."""
        if not self.best:
            return self.next_best(callback=callback)
        return self._select_similar(self.similarity_rows.next_id(+1), callback)

    def previous(self, callback=None):
        """Select the previous cluster in the similarity view."""
        return self._select_similar(self.similarity_rows.next_id(-1), callback)

    def first(self, callback=None):
        """Select the first cluster of the cluster view (skipping ignored groups)."""
        return self._select_best(self.cluster_rows.first_id(), callback)

    def last(self, callback=None):
        """Select the last cluster of the cluster view (skipping ignored groups)."""
        return self._select_best(self.cluster_rows.last_id(), callback)

    def reset_wizard(self, callback=None):
        """Reset the wizard: select the first cluster of the cluster view."""
        return self.first(callback=callback)

    def select_first_similar(self, callback=None):
        """Select the first cluster of the similarity view."""
        return self._select_similar(self.similarity_rows.first_id(), callback)

    def unselect_similar(self, callback=None):
        """Select only the clusters in the cluster view."""
        self.set_selection(self.best, [])
        return self._done(callback)

    def sort(self, column, sort_dir="desc"):
        """Sort the cluster view by a given column, in a given order (asc or desc)."""
        self.cluster_rows.sort_by(column, sort_dir)

    def filter(self, text=""):
        """Filter the clusters using a Javascript expression on the column names."""
        self.cluster_rows.filter(text)
