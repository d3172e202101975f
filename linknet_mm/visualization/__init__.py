"""Visualization."""
from .triplet_seg_visualizer import TripletSegVisualizer

__all__ = ['TripletSegVisualizer']
