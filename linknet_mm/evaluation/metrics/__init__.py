"""Evaluation metrics."""
from .class_wise_iou_metric import ClassWiseIoUMetric

__all__ = ['ClassWiseIoUMetric']
