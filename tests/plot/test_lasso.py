import numpy as np

from phy.gui.qt import Qt
from phy.plot.lasso import Lasso, points_in_polygon
from phy.utils.event import connect


def test_points_in_polygon():
    square = [[0, 0], [1, 0], [1, 1], [0, 1]]
    points = [[0.5, 0.5], [1.5, 0.5], [-0.1, 0.2], [0.9, 0.1]]
    assert points_in_polygon(points, square).tolist() == [True, False, False, True]
    # A concave polygon (a U): the notch is outside.
    u_shape = [[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3]]
    assert points_in_polygon([[1.5, 2], [0.5, 2], [1.5, 0.5]], u_shape).tolist() == [
        False, True, True]
    assert not points_in_polygon(points, square[:2]).any()


def test_lasso_clicks(canvas, snapshot, send):
    canvas.enable_panzoom().zoom = 2
    lasso = canvas.enable_lasso()
    updates = []
    connect(lambda sender, polygon: updates.append(len(polygon)), event="lasso_updated")
    for pos in ((25, 25), (75, 25), (75, 75), (25, 75)):
        send.click(canvas, pos, modifiers=("Control",))
    send.click(canvas, (50, 50))  # no Control: ignored
    assert lasso.count == 4 and updates == [1, 2, 3, 4]
    # The polygon is in the coordinates before pan/zoom: zoom 2 halves it.
    assert np.allclose(lasso.polygon, [[-0.25, 0.25], [0.25, 0.25], [0.25, -0.25], [-0.25, -0.25]])
    assert lasso.in_polygon([[0, 0], [0.3, 0], [0.2, -0.2]]).tolist() == [True, False, True]
    px = snapshot(canvas)
    assert px.drawn()[24:26, 30:70].any(axis=0).all()
    assert px.drawn()[30:70, 24:26].any(axis=1).all()
    assert not px.drawn()[50, 50]
    send.key(canvas, Qt.Key_Escape)
    assert lasso.count == 0 and updates[-1] == 0
    assert not snapshot(canvas).drawn().any()
    send.click(canvas, (25, 25), modifiers=("Control",))
    send.click(canvas, (25, 25), button="Right", modifiers=("Control",))
    assert lasso.count == 0


def test_lasso_in_grid(canvas, snapshot, send):
    canvas.set_layout("grid", shape=(2, 2))
    lasso = Lasso()
    lasso.attach(canvas)
    for pos in ((60, 60), (90, 60), (90, 90), (60, 90)):
        send.click(canvas, pos, modifiers=("Control",))
    assert lasso.box == (1, 1)
    # Box-local coordinates of the second box row and column.
    assert np.allclose(lasso.polygon[0], (-0.6, 0.6))
    px = snapshot(canvas)
    assert px.drawn()[59:61, 65:85].any(axis=0).all() and not px.drawn()[:50].any()
    lasso.clear()
    assert lasso.box is None and lasso.polygon.shape == (0, 2)


def test_lasso_and_panzoom_share_one_mechanism(canvas, send):
    """Both take their input from real Qt events through the canvas' on_<event> methods, and
    both tell the outside on phy's bus, sender the canvas, with the catalogue's constants."""
    from phy.utils import bus_events as ev
    from phy.utils.event import unconnect

    panzoom, lasso = canvas.enable_panzoom(), canvas.enable_lasso()
    received = []

    def on_any(name):
        def callback(sender, *args):
            received.append((name, sender))
        return callback

    callbacks = [on_any(ev.PAN_ZOOM), on_any(ev.LASSO_UPDATED)]
    connect(callbacks[0], event=ev.PAN_ZOOM, sender=canvas)
    connect(callbacks[1], event=ev.LASSO_UPDATED, sender=canvas)
    try:
        send.drag(canvas, (50, 50), (60, 50), steps=1)  # pans
        send.click(canvas, (20, 20), modifiers=("Control",))  # adds a lasso point
    finally:
        unconnect(*callbacks)
    assert received == [(ev.PAN_ZOOM, canvas), (ev.LASSO_UPDATED, canvas)]
    assert np.allclose(panzoom.pan, (0.2, 0)) and lasso.count == 1
