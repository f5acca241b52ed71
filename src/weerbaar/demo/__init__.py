"""The demo municipality Lindeveen: fictional areas, addresses, partners, users and signals."""

from weerbaar.demo.build import DemoSummary, DemoUser, build_demo

__all__ = ["DemoSummary", "DemoUser", "build_demo"]
