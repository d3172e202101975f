"""Check converted MobileNetV2 weights against TFLite's interpreter.

The backbone is built from a config, with its ``init_cfg`` (the converted
checkpoint) and its data preprocessor's normalisation, as training sees
them; TF's head convolution and classifier come from the ``.tflite`` file.
Both classify the same RGB images: top-1 agreement, logit differences and,
for an int8 file, each layer against TFLite's (:func:`layerwise_steps`),
once with the config's padding and, when that is mmseg's symmetric one,
once with TF's "SAME" padding (mmcv's ``Conv2dAdaptivePadding``: the odd
pixel of a strided convolution goes to the bottom and right), the padding
the weights were trained with. A file that is no classifier (DeepLabV3's
encoder) is checked by the input's normalisation and the layers alone.
"""
import logging
from typing import Dict, List

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmseg.registry import MODELS
from mobilenetv2_tflite2mmseg import mobilenetv2_from_tflite, ohwi_to_oihw
from tflite_interpreter import (MIN_WITHIN_ONE_STEP, interpreter,
                                layerwise_steps, tflite_activations)
from tflite_reader import read_tflite_convs, read_tflite_ops, tflite_module
from torch import Tensor

from linknet_mm.errors import ConfigError, WeightConversionError

#: Top-1 agreement a float file's conversion must reach.
MIN_AGREEMENT = 0.95
#: How far the config's normalised input may be from TFLite's input: one
#: 8-bit step of the [-1, 1] range.
INPUT_TOLERANCE = 1 / 127.5
#: mmcv's TF "SAME" padding, for ``build_backbone(tf_same=True)``.
TF_SAME = dict(type='Conv2dAdaptivePadding')


def softmax_inputs(path: str) -> List[int]:
    """Indices of the tensors the graph's SOFTMAX operators read (an image
    classifier's logits; none for DeepLab, whose output is an argmax)."""
    softmax = tflite_module().BuiltinOperator.SOFTMAX
    return [int(op.Inputs(0)) for code, op in read_tflite_ops(path)[1]
            if code == softmax]


def build_backbone(cfg: Config, tf_same: bool = False) -> torch.nn.Module:
    """The config's ``MobileNetV2``, initialised by its ``init_cfg``, in eval
    mode; with ``tf_same``, every convolution pads as TF's "SAME"."""
    backbone_cfg = cfg.model.backbone
    if backbone_cfg.get('type') != 'MobileNetV2' or not backbone_cfg.get(
            'init_cfg'):
        raise ConfigError(
            f'{cfg.filename}: model.backbone is {backbone_cfg.get("type")} '
            f'with init_cfg {backbone_cfg.get("init_cfg")}; expected '
            'MobileNetV2 initialised from converted weights')
    backbone = MODELS.build(
        dict(backbone_cfg, conv_cfg=TF_SAME) if tf_same else backbone_cfg)
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.WARNING)  # not mmengine's per-tensor init table
    try:
        backbone.init_weights()
    finally:
        logger.setLevel(level)
    backbone.eval()  # mmseg's MobileNetV2.train returns None
    return backbone


def normalise(cfg: Config, images: List[np.ndarray]) -> Tensor:
    """uint8 RGB images as the config's data preprocessor hands them to the
    model (N x 3 x H x W)."""
    preprocessor = MODELS.build(
        dict(cfg.model.data_preprocessor, size=None, size_divisor=None))
    bgr = [torch.from_numpy(np.ascontiguousarray(image[..., ::-1]))
           .permute(2, 0, 1) for image in images]  # as the pipeline loads
    return preprocessor(dict(inputs=bgr), training=False)['inputs']


def _input_max_diff(tflite_path: str, cfg: Config,
                    pictures: List[np.ndarray]) -> float:
    """Largest difference of the config's normalised input from TFLite's."""
    index = interpreter(tflite_path).get_input_details()[0]['index']
    expected = np.concatenate([found[index][0] for found in
                               tflite_activations(tflite_path, pictures,
                                                  [index])])
    return float((normalise(cfg, pictures) -
                  torch.from_numpy(expected).permute(0, 3, 1, 2)).abs().max())


def _logits(backbone: torch.nn.Module, rest: list, inputs: Tensor) -> Tensor:
    """The backbone with TF's head convolution (ReLU6), pooling and 1x1
    classifier (``rest``: the file's convolutions after the backbone)."""
    head, classifier = [(torch.from_numpy(ohwi_to_oihw(conv.weight)),
                         torch.from_numpy(conv.bias)) for conv in rest[:2]]
    with torch.no_grad():
        features = F.relu6(F.conv2d(backbone(inputs)[-1], *head))
        pooled = F.adaptive_avg_pool2d(features, 1)
        return F.conv2d(pooled, *classifier).flatten(1)


def check_encoder_conversion(
        tflite_path: str, cfg: Config,
        images: Dict[str, np.ndarray]) -> Dict[str, object]:
    """Check an encoder taken from a segmentation network (DeepLabV3).

    Passes when the config's normalised input is within
    :data:`INPUT_TOLERANCE` of TFLite's and every backbone layer, fed
    TFLite's own activations, reproduces TFLite's
    (:data:`MIN_WITHIN_ONE_STEP`).

    Returns:
        Dict[str, object]: ``images``, ``input_max_diff``, ``layers``
        (:func:`layerwise_steps`) and ``passed``.
    """
    pictures = list(images.values())
    layers = layerwise_steps(tflite_path, build_backbone(cfg), pictures)
    difference = _input_max_diff(tflite_path, cfg, pictures)
    return dict(images=list(images), input_max_diff=difference,
                layers=layers, passed=bool(
                    difference <= INPUT_TOLERANCE and
                    layers['min_within_one_step'] >= MIN_WITHIN_ONE_STEP))


def check_conversion(tflite_path: str, cfg: Config,
                     images: Dict[str, np.ndarray]) -> Dict[str, object]:
    """Compare the config's converted classifier with TFLite on ``images``.

    Runs ``'config'`` (the config's padding) and, when that is not TF's,
    ``'tf_same'``. It passes when the normalised input is within
    :data:`INPUT_TOLERANCE` of TFLite's and, in the last run, every layer
    is reproduced (:data:`MIN_WITHIN_ONE_STEP`) or, for a float file, the
    top-1 classes agree on :data:`MIN_AGREEMENT` of the images.

    Returns:
        Dict[str, object]: ``images``, ``input_max_diff``,
        ``reference_top1`` (indices of the 1001-class output: ImageNet's
        plus one), per run ``agreement``, ``max_logit_diff``,
        ``mean_logit_diff``, ``top1`` and ``layers``; and ``passed``.
    """
    found = softmax_inputs(tflite_path)
    if not found:
        raise WeightConversionError(
            f'{tflite_path!r} has no SOFTMAX: expected an image classifier')
    pictures = list(images.values())
    reference = np.stack([run[found[-1]][0].reshape(-1) for run in
                          tflite_activations(tflite_path, pictures,
                                             [found[-1]])])
    integer = bool(
        interpreter(tflite_path).get_input_details()[0]['quantization'][0])
    _, rest, _ = mobilenetv2_from_tflite(read_tflite_convs(tflite_path))
    inputs = normalise(cfg, pictures)
    results: Dict[str, object] = dict(
        images=list(images),
        input_max_diff=_input_max_diff(tflite_path, cfg, pictures),
        reference_top1=reference.argmax(1).tolist())
    pads_as_tf = (cfg.model.backbone.get('conv_cfg') or {}) == TF_SAME
    for name in ['config'] if pads_as_tf else ['config', 'tf_same']:
        backbone = build_backbone(cfg, tf_same=name == 'tf_same')
        ours = _logits(backbone, rest, inputs).numpy()
        difference = np.abs(reference - ours)
        results[name] = dict(
            agreement=float((reference.argmax(1) == ours.argmax(1)).mean()),
            max_logit_diff=float(difference.max()),
            mean_logit_diff=float(difference.mean()),
            top1=ours.argmax(1).tolist(),
            layers=layerwise_steps(tflite_path, backbone, pictures)
            if integer else None)
    decisive = results[name]
    reproduced = (decisive['layers']['min_within_one_step'] >=
                  MIN_WITHIN_ONE_STEP if decisive['layers'] else
                  decisive['agreement'] >= MIN_AGREEMENT)
    results['passed'] = bool(
        results['input_max_diff'] <= INPUT_TOLERANCE and reproduced)
    return results
