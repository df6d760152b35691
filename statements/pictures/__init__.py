"""Pictures drawn from the record, with no network and the same bytes for the same data.

- ``graph``: a dispute as a graph (Graphviz ``dot``): positions as boxes, supporters grouped
  by side, conflicts as red edges;
- ``timeline``: the claims on one subject and predicate over time, SVG built by hand.
"""

from statements.pictures.graph import GraphvizMissing, dispute_graph_svg
from statements.pictures.timeline import timeline_svg

__all__ = ["GraphvizMissing", "dispute_graph_svg", "timeline_svg"]
