"""Analysis: benchmarks and scoring, for the analysis tools and tests.

Not part of ``import linknet_mm`` (nothing is registered here):

* :mod:`.benchmark`, :mod:`.benchmark_report`, :mod:`.benchmark_parity`,
  :mod:`.timing`: size, FLOPs, inference speed, memory and low-precision
  parity of a model (``tools/analysis_tools/benchmark.py``);
* :mod:`.train_benchmark`: training throughput, Runner against a bare loop;
* :mod:`.label_decoding`: exactness of the Cityscapes colour decoder;
* :mod:`.per_image_report`: per-image Dice by size, worst images;
* :mod:`.class_report`: per-class IoU by coverage, largest confusions;
* :mod:`.conversion_check`, :mod:`.layerwise_check`,
  :mod:`.tflite_reference`: converted TFLite weights against TFLite's own
  interpreter (``tools/model_converters/check_mobilenetv2_tflite.py``).
"""
