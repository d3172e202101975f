"""Check converted MobileNetV2 weights against TFLite's interpreter.

The backbone is built from a config, with its ``init_cfg`` (the converted
checkpoint) and its data preprocessor's normalisation, exactly as training
would see them; the TF head convolution and classifier, which the backbone
does not have, come from the ``.tflite`` file. Both classify the same RGB
images; the check reports how often their top-1 classes agree, the logit
differences and, for an int8 file, how closely each layer reproduces
TFLite's (:mod:`.layerwise_check`), once with the config's padding and,
when that is mmseg's symmetric one, once with TF's "SAME" padding of the
stride-2 convolutions (which pads only the bottom and right of even
inputs), the padding the weights were trained with.

A file that is not a classifier (DeepLabV3's encoder: no SOFTMAX, its
ASPP after the backbone) has no logits to compare: its check is the
input's normalisation and the layer-wise comparison alone, on images of
the file's own input size.
"""
import glob
import logging
import os.path as osp
from typing import Callable, Dict, List, Sequence, Tuple

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.logging import MMLogger
from torch import Tensor

from ..errors import ConfigError, ImageReadError, InputError
from ..models.converters import (TfliteConv, mobilenetv2_from_tflite,
                                 ohwi_to_oihw, read_tflite_convs)
from .layerwise_check import MIN_WITHIN_ONE_STEP, layerwise_steps
from .tflite_reference import (is_integer_model, tflite_input_values,
                               tflite_logits)

#: The input size of TF's ImageNet MobileNetV2.
INPUT_SIZE = 224
#: Top-1 agreement the conversion must reach.
MIN_AGREEMENT = 0.95
#: How far the config's normalised input may be from TFLite's input: one
#: 8-bit step of the [-1, 1] range.
INPUT_TOLERANCE = 1 / 127.5
#: The raw test images Google ships beside the TFLite files.
RAW_SUFFIX = '.rgb'


class TfliteClassifier(nn.Module):
    """A converted backbone with TF's head convolution and classifier.

    Only for the check: not registered, not used for segmentation.

    Args:
        backbone (nn.Module): mmseg ``MobileNetV2``, last output 320
            channels.
        head (TfliteConv): The 1x1 convolution to 1280 channels (ReLU6).
        classifier (TfliteConv): The 1x1 convolution to the classes.
    """

    def __init__(self, backbone: nn.Module, head: TfliteConv,
                 classifier: TfliteConv) -> None:
        super().__init__()
        self.backbone = backbone
        self.head = self._conv(head)
        self.head_act = nn.ReLU6()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = self._conv(classifier)

    @staticmethod
    def _conv(conv: TfliteConv) -> nn.Conv2d:
        weight = torch.from_numpy(ohwi_to_oihw(conv.weight))
        module = nn.Conv2d(weight.shape[1], weight.shape[0], 1)
        module.weight.data.copy_(weight)
        module.bias.data.copy_(torch.from_numpy(conv.bias))
        return module

    def forward(self, inputs: Tensor) -> Tensor:
        """Logits of normalised images (N x 3 x H x W)."""
        features = self.backbone(inputs)
        if isinstance(features, (tuple, list)):
            features = features[-1]
        pooled = self.pool(self.head_act(self.head(features)))
        return self.classifier(pooled).flatten(1)


def _same_pad(module: nn.Conv2d, args: Tuple[Tensor]) -> Tuple[Tensor]:
    """Pad as TF's "SAME" does: the odd pixel goes to the bottom/right."""
    inputs = args[0]
    pads = []
    for size, kernel, stride in zip(
            reversed(inputs.shape[-2:]), reversed(module.kernel_size),
            reversed(module.stride)):
        total = max((-(-size // stride) - 1) * stride + kernel - size, 0)
        pads += [total // 2, total - total // 2]
    return (F.pad(inputs, pads), )


def tf_same_padding(model: nn.Module) -> List[Callable]:
    """Make every strided ``nn.Conv2d`` of ``model`` pad as TF does.

    Subclasses (mmcv's ``Conv2dAdaptivePadding`` already pads so) are left
    as they are.

    Args:
        model (nn.Module): The model, changed in place.

    Returns:
        List[Callable]: Call each to undo the change.
    """
    undo = []
    for module in model.modules():
        if type(module) is nn.Conv2d and module.stride != (1, 1):
            padding = module.padding
            module.padding = (0, 0)
            handle = module.register_forward_pre_hook(_same_pad)
            undo.append(lambda m=module, p=padding, h=handle:
                        (h.remove(), setattr(m, 'padding', p)))
    return undo


def read_check_images(paths: Sequence[str],
                      photo_halves: bool = False,
                      size: int = INPUT_SIZE) -> Dict[str, np.ndarray]:
    """Square RGB images to check on, from files or folders.

    Args:
        paths (Sequence[str]): Image files, or folders of them (``.jpg``,
            ``.png``, and ``.rgb``: raw 224x224x3 RGB bytes, the format of
            the test images beside Google's TFLite files).
        photo_halves (bool): The images are photo | label composites
            (Cityscapes pairs): keep the left half.
        size (int): Side of the images (the file's input size). Defaults
            to :data:`INPUT_SIZE`.

    Returns:
        Dict[str, np.ndarray]: Path -> uint8 RGB, centre-cropped to a
        square and resized to ``size`` x ``size``.
    """
    files = []
    for path in paths:
        files += (sorted(
            f for f in glob.glob(osp.join(path, '*'))
            if f.lower().endswith(('.jpg', '.jpeg', '.png', RAW_SUFFIX)))
                  if osp.isdir(path) else [path])
    if not files:
        raise InputError(f'no images in {list(paths)}; expected .jpg, .png '
                         f'or {RAW_SUFFIX} files')
    return {path: _read_one(path, photo_halves, size) for path in files}


def _read_one(path: str, photo_halves: bool, size: int) -> np.ndarray:
    if path.endswith(RAW_SUFFIX):
        raw = np.fromfile(path, np.uint8)
        if size != INPUT_SIZE:
            raise ImageReadError(
                f'{path}: {RAW_SUFFIX} images are {INPUT_SIZE}x{INPUT_SIZE}; '
                f'this file takes {size}x{size}: give .jpg or .png images')
        if raw.size != INPUT_SIZE * INPUT_SIZE * 3:
            raise ImageReadError(
                f'{path}: {raw.size} bytes; a {RAW_SUFFIX} image is raw '
                f'{INPUT_SIZE}x{INPUT_SIZE}x3 RGB ({INPUT_SIZE**2 * 3} bytes)')
        return raw.reshape(INPUT_SIZE, INPUT_SIZE, 3)
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        raise ImageReadError(f'{path}: not a readable image')
    if photo_halves:
        image = image[:, :image.shape[1] // 2]
    side = min(image.shape[:2])
    top = (image.shape[0] - side) // 2
    left = (image.shape[1] - side) // 2
    square = image[top:top + side, left:left + side]
    return cv2.cvtColor(
        cv2.resize(square, (size, size),
                   interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2RGB)


def build_backbone(cfg: Config) -> nn.Module:
    """The config's backbone, initialised by its ``init_cfg``.

    Args:
        cfg (Config): A config whose backbone is mmseg's ``MobileNetV2``.

    Returns:
        nn.Module: The backbone, in eval mode.
    """
    from mmseg.registry import MODELS
    backbone_cfg = cfg.model.backbone
    if backbone_cfg.get('type') != 'MobileNetV2' or not backbone_cfg.get(
            'init_cfg'):
        raise ConfigError(
            f'{cfg.filename}: model.backbone is {backbone_cfg.get("type")} '
            f'with init_cfg {backbone_cfg.get("init_cfg")}; expected '
            'MobileNetV2 initialised from converted weights')
    backbone = MODELS.build(backbone_cfg)
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.WARNING)  # not mmengine's per-tensor init table
    try:
        backbone.init_weights()
    finally:
        logger.setLevel(level)
    backbone.eval()  # mmseg's MobileNetV2.train returns None
    return backbone


def build_classifier(tflite_path: str, cfg: Config) -> TfliteClassifier:
    """The config's backbone (:func:`build_backbone`) with TF's head.

    Args:
        tflite_path (str): The ``.tflite`` file (head and classifier).
        cfg (Config): A config whose backbone is mmseg's ``MobileNetV2``.

    Returns:
        TfliteClassifier: In eval mode.
    """
    _, rest, _ = mobilenetv2_from_tflite(read_tflite_convs(tflite_path))
    return TfliteClassifier(build_backbone(cfg), *rest[:2]).eval()


def normalise(cfg: Config, images: List[np.ndarray]) -> Tensor:
    """RGB images as the config's data preprocessor hands them to the model.

    Args:
        cfg (Config): The config (its ``model.data_preprocessor``).
        images (List[np.ndarray]): uint8 RGB images of one size.

    Returns:
        Tensor: N x 3 x H x W floats.
    """
    from mmseg.registry import MODELS
    preprocessor = MODELS.build(
        dict(cfg.model.data_preprocessor, size=None, size_divisor=None))
    bgr = [torch.from_numpy(np.ascontiguousarray(image[..., ::-1]))
           .permute(2, 0, 1) for image in images]  # as the pipeline loads
    return preprocessor(dict(inputs=bgr), training=False)['inputs']


def compare(reference: np.ndarray, ours: np.ndarray) -> Dict[str, float]:
    """Top-1 agreement and logit differences of two classifiers.

    Args:
        reference (np.ndarray): TFLite's logits, N x classes.
        ours (np.ndarray): The converted model's logits.

    Returns:
        Dict[str, float]: ``agreement`` (0-1), ``max_logit_diff``,
        ``mean_logit_diff``.
    """
    difference = np.abs(reference - ours)
    return dict(
        agreement=float((reference.argmax(1) == ours.argmax(1)).mean()),
        max_logit_diff=float(difference.max()),
        mean_logit_diff=float(difference.mean()))


def _pads_otherwise(model: TfliteClassifier) -> bool:
    """Whether the backbone has strided convolutions not padded as TF's."""
    return any(
        type(m) is nn.Conv2d and m.stride != (1, 1)
        for m in model.backbone.modules())


def _run(model: TfliteClassifier, tflite_path: str, pictures: List[np.ndarray],
         inputs: Tensor, reference: np.ndarray,
         tf_same: bool) -> Dict[str, object]:
    """Top-1 agreement and, for an int8 file, the layer-wise comparison."""
    undo = tf_same_padding(model.backbone) if tf_same else []
    try:
        with torch.no_grad():
            ours = model(inputs).numpy()
        figures = compare(reference, ours)
        figures['top1'] = ours.argmax(1).tolist()
        figures['layers'] = (
            layerwise_steps(tflite_path, model.backbone, pictures)
            if is_integer_model(tflite_path) else None)
    finally:
        for step in undo:
            step()
    return figures


def _input_max_diff(tflite_path: str, cfg: Config,
                    pictures: List[np.ndarray]) -> float:
    """Largest difference of the config's normalised input from TFLite's."""
    expected = torch.from_numpy(tflite_input_values(
        tflite_path, pictures)).permute(0, 3, 1, 2)
    return float((normalise(cfg, pictures) - expected).abs().max())


def check_encoder_conversion(tflite_path: str, cfg: Config,
                             images: Dict[str, np.ndarray]) -> Dict[str, object]:
    """Check an encoder taken from a segmentation network (DeepLabV3).

    Passes when the config's normalised input is within
    :data:`INPUT_TOLERANCE` of TFLite's and every backbone layer, fed
    TFLite's own activations, reproduces TFLite's output
    (:data:`MIN_WITHIN_ONE_STEP`).

    Args:
        tflite_path (str): The fully integer ``.tflite`` file.
        cfg (Config): A config using the converted weights.
        images (Dict[str, np.ndarray]): :func:`read_check_images` at the
            file's :func:`~.tflite_reference.input_size`.

    Returns:
        Dict[str, object]: ``images``, ``input_max_diff``, ``layers``
        (:func:`layerwise_steps`) and ``passed``.
    """
    pictures = list(images.values())
    layers = layerwise_steps(tflite_path, build_backbone(cfg), pictures)
    results: Dict[str, object] = dict(
        images=list(images),
        input_max_diff=_input_max_diff(tflite_path, cfg, pictures),
        layers=layers)
    results['passed'] = bool(
        results['input_max_diff'] <= INPUT_TOLERANCE
        and layers['min_within_one_step'] >= MIN_WITHIN_ONE_STEP)
    return results


def check_conversion(tflite_path: str, cfg: Config,
                     images: Dict[str, np.ndarray]) -> Dict[str, object]:
    """Compare the config's converted model with TFLite on ``images``.

    The converted model runs as the config builds it (``'config'``: its
    normalisation and padding) and, when the config pads otherwise, with
    TF's "SAME" padding (``'tf_same'``). Each run gives the top-1
    agreement and logit differences with TFLite, and for a fully integer
    file the layer-wise comparison (:func:`layerwise_steps`). The
    conversion passes when the config's normalised input is within
    :data:`INPUT_TOLERANCE` of TFLite's and, with TF's padding (the one the
    weights were trained with), every layer is reproduced
    (:data:`MIN_WITHIN_ONE_STEP`), or, for a float file, the top-1 classes
    agree on :data:`MIN_AGREEMENT` of the images.

    Args:
        tflite_path (str): The ``.tflite`` file the weights came from.
        cfg (Config): A config using the converted weights.
        images (Dict[str, np.ndarray]): :func:`read_check_images`.

    Returns:
        Dict[str, object]: ``images`` (paths), ``input_max_diff``,
        ``reference_top1`` (TFLite's classes: indices of the 1001-class
        output, ImageNet's index plus one), one dict per run
        (:func:`compare` figures, ``top1``, ``layers``), and ``passed``.
    """
    pictures = list(images.values())
    reference = tflite_logits(tflite_path, pictures)
    model = build_classifier(tflite_path, cfg)
    inputs = normalise(cfg, pictures)
    results: Dict[str, object] = dict(
        images=list(images),
        input_max_diff=_input_max_diff(tflite_path, cfg, pictures),
        reference_top1=reference.argmax(1).tolist())
    runs = ['config', 'tf_same'] if _pads_otherwise(model) else ['config']
    for name in runs:
        results[name] = _run(model, tflite_path, pictures, inputs, reference,
                             name == 'tf_same')
    decisive = results[runs[-1]]
    reproduced = (decisive['layers']['min_within_one_step'] >=
                  MIN_WITHIN_ONE_STEP if decisive['layers'] else
                  decisive['agreement'] >= MIN_AGREEMENT)
    results['passed'] = bool(
        results['input_max_diff'] <= INPUT_TOLERANCE and reproduced)
    return results
