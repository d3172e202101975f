"""Evaluation: metrics with per-class figures."""
from .metrics import ClassWiseIoUMetric

__all__ = ['ClassWiseIoUMetric']
