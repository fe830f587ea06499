"""ui/map_geometry.py: which points a lasso holds."""

from __future__ import annotations

import numpy as np

from ui.map_geometry import inside_polygon


def test_points_inside_a_concave_loop() -> None:
    # an L-shaped loop: the notch at the top right is outside
    loop = np.array([[0, 0], [4, 0], [4, 2], [2, 2], [2, 4], [0, 4]], dtype=float)
    points = np.array([[1, 1], [3, 1], [1, 3], [3, 3], [5, 1], [-1, 2]], dtype=float)
    assert inside_polygon(points, loop).tolist() == [True, True, True, False, False, False]


def test_a_line_or_a_point_holds_nothing() -> None:
    points = np.array([[0.5, 0.5]])
    assert not inside_polygon(points, np.array([[0.0, 0.0], [1.0, 1.0]])).any()
    assert not inside_polygon(points, np.empty((0, 2))).any()
