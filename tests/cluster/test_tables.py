from phy.cluster import ClusterView, SimilarityView
from phy.utils import connect


def test_cluster_view_state(qtbot, table_implementation):
    view = ClusterView(data=[{"id": 1, "n": 3}, {"id": 2, "n": 5}], columns=["id", "n"],
                       sort=("n", "desc"))
    qtbot.addWidget(view)
    assert view.windowTitle() == "ClusterView"
    assert view.get_ids() == [2, 1]
    assert view.state.current_sort == ("n", "desc")
    view.set_state({"current_sort": ("n", "asc")})
    assert view.get_ids() == [1, 2]
    view.set_state({"current_sort": ("unknown", "asc")})  # an old column: ignored
    view.set_state({})
    assert view.state.current_sort == ("n", "asc")


def test_similarity_view_reset(qtbot, table_implementation):
    view = SimilarityView(columns=["id", "similarity"], sort=("similarity", "desc"))
    qtbot.addWidget(view)
    assert view.windowTitle() == "SimilarityView"
    asked = []

    @connect(sender=view)
    def on_request_similar_clusters(sender, cluster_id):
        asked.append(cluster_id)
        return [{"id": 4, "similarity": .5}, {"id": 6, "similarity": .9}]

    view.reset([3, 5])
    assert asked == [3]
    assert view.get_ids() == [6, 4]
    view.reset([])
    assert view.get_ids() == [] and asked == [3]


def test_similarity_view_rows_for_the_asked_cluster(qtbot, table_implementation):
    """With a similar_rows function, the rows are those of the cluster asked for."""
    rows = {3: [{"id": 4, "similarity": .5}, {"id": 3, "similarity": 1.}],
            7: [{"id": 8, "similarity": .7}]}
    view = SimilarityView(columns=["id", "similarity"], sort=("similarity", "desc"),
                          similar_rows=lambda cluster_id: rows[cluster_id])
    qtbot.addWidget(view)
    view.reset([3])
    assert view.get_ids() == [4]  # without the selected cluster itself
    view.reset([7, 1])
    assert view.get_ids() == [8]
