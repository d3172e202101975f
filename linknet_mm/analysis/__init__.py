"""Analysis: benchmarks and scoring, for ``tools/analysis_tools`` and tests.

Not part of ``import linknet_mm`` (nothing is registered here):

* :mod:`.benchmark`: size, FLOPs, inference speed and memory of a model;
* :mod:`.train_benchmark`: training throughput, Runner against a bare loop;
* :mod:`.label_decoding`: exactness of the Cityscapes colour decoder;
* :mod:`.per_image_report`: per-image Dice by size, worst images.
"""
