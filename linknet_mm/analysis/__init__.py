"""Analysis: what the analysis and model-converter tools compute.

Not part of ``import linknet_mm`` (nothing is registered here):

* :mod:`.label_decoding`: exactness of the Cityscapes colour decoder
  (``tools/analysis_tools/benchmark_label_decoding.py``);
* :mod:`.per_image_report`: per-image Dice by size, worst images;
* :mod:`.class_report`: per-class IoU by coverage, largest confusions;
* :mod:`.conversion_check`, :mod:`.layerwise_check`,
  :mod:`.tflite_reference`: converted TFLite weights against TFLite's own
  interpreter (``tools/model_converters/check_mobilenetv2_tflite.py``).
"""
