"""Analysis: what the analysis and model-converter tools compute.

Not part of ``import linknet_mm`` (nothing is registered here):

* :mod:`.benchmark` (with :mod:`.inference_speed`,
  :mod:`.benchmark_parity`, :mod:`.training_speed`, :mod:`.measuring`,
  :mod:`.benchmark_table`): size, FLOPs, inference and training speed,
  memory and low-precision parity of a model
  (``tools/analysis_tools/benchmark.py``).
"""
