"""Converters of weights from other frameworks to mmseg checkpoints."""
from .mobilenetv2_tflite import (backbone_convs, convert_mobilenetv2_tflite,
                                 depthwise_to_oihw, folded_bias_to_bn,
                                 mobilenetv2_from_tflite, ohwi_to_oihw)
from .tflite_reader import TfliteConv, dequantize, read_tflite_convs

__all__ = [
    'TfliteConv', 'backbone_convs', 'convert_mobilenetv2_tflite',
    'depthwise_to_oihw', 'dequantize', 'folded_bias_to_bn',
    'mobilenetv2_from_tflite', 'ohwi_to_oihw', 'read_tflite_convs'
]
