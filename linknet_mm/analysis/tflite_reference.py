"""TFLite's own interpreter as the reference for converted weights.

LiteRT (``ai-edge-litert``, or the older ``tflite-runtime``) is a test and
analysis extra, never needed by ``import linknet_mm``. :func:`tflite_logits`
runs a TFLite classifier the way TF runs it (its own input quantisation,
its own kernels) and returns the classifier's logits, read from the tensor
that feeds the final softmax, de-quantized.
"""
from typing import Any, Dict, Iterator, List, Tuple

import numpy as np

from ..errors import WeightConversionError
from ..models.converters.tflite_reader import (builtin_code, read_tflite_model,
                                               tflite_module)

#: An activation read from TFLite: its real values, its grid step (0 for
#: float), zero point and the integer range of its type.
Activation = Tuple[np.ndarray, float, int, Tuple[int, int]]


def _interpreter_class() -> Any:
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        try:
            from tflite_runtime.interpreter import Interpreter
        except ImportError:
            raise ImportError(
                'running a .tflite file needs LiteRT: pip install '
                "'ai-edge-litert==2.3.0' (or tflite-runtime)") from None
    return Interpreter


def _softmax_inputs(path: str) -> List[int]:
    """Indices of the tensors the graph's SOFTMAX operators read."""
    softmax = tflite_module().BuiltinOperator.SOFTMAX
    model = read_tflite_model(path)
    graph = model.Subgraphs(0)
    return [
        int(graph.Operators(i).Inputs(0))
        for i in range(graph.OperatorsLength())
        if builtin_code(model, graph.Operators(i)) == softmax
    ]


def _softmax_input(path: str) -> int:
    """Index of the tensor the graph's last SOFTMAX reads (the logits)."""
    found = _softmax_inputs(path)
    if not found:
        raise WeightConversionError(
            f'{path!r} has no SOFTMAX: expected an image classifier')
    return found[-1]


def is_classifier(path: str) -> bool:
    """Whether the file is an image classifier (it ends in a SOFTMAX).

    Args:
        path (str): A ``.tflite`` file.

    Returns:
        bool: False for other networks, e.g. DeepLab (an argmax map).
    """
    return bool(_softmax_inputs(path))


def input_size(path: str) -> int:
    """The side of the file's square input image (224, DeepLab's 513).

    Args:
        path (str): A ``.tflite`` file.

    Returns:
        int: Its input height.
    """
    source = _interpreter_class()(model_path=path).get_input_details()[0]
    return int(source['shape'][1])


def is_integer_model(path: str) -> bool:
    """Whether the file computes its activations in integers (quantized).

    Args:
        path (str): A ``.tflite`` file.

    Returns:
        bool: Its input tensor is quantized.
    """
    source = _interpreter_class()(model_path=path).get_input_details()[0]
    return bool(source['quantization'][0])


def tflite_inputs(path: str, images: List[np.ndarray]) -> List[np.ndarray]:
    """What a TFLite MobileNet classifier is fed for each RGB image.

    RGB scaled to [-1, 1] (``x / 127.5 - 1``), as TF's MobileNet
    classifiers expect, quantized with the input tensor's own scale and
    zero point when the file takes integers.

    Args:
        path (str): The ``.tflite`` classifier.
        images (List[np.ndarray]): uint8 RGB images (``H x W x 3``).

    Returns:
        List[np.ndarray]: The input tensors, of the file's input type.
    """
    interpreter = _interpreter_class()(model_path=path)
    source = interpreter.get_input_details()[0]
    scale, zero_point = source['quantization']
    inputs = []
    for image in images:
        value = image.astype(np.float32) / 127.5 - 1.0
        if scale:  # rounded half away from zero, as TFLite's QUANTIZE
            limits = np.iinfo(source['dtype'])
            steps = value / scale + zero_point
            value = np.clip(
                np.sign(steps) * np.floor(np.abs(steps) + 0.5), limits.min,
                limits.max)
        inputs.append(value.astype(source['dtype']))
    return inputs


def tflite_input_values(path: str, images: List[np.ndarray]) -> np.ndarray:
    """The real values of :func:`tflite_inputs` (de-quantized), N x H x W x 3.

    Args:
        path (str): The ``.tflite`` classifier.
        images (List[np.ndarray]): uint8 RGB images.

    Returns:
        np.ndarray: float32 inputs as the file's first layer sees them.
    """
    source = _interpreter_class()(model_path=path).get_input_details()[0]
    scale, zero_point = source['quantization']
    values = np.stack(tflite_inputs(path, images)).astype(np.float32)
    return (values - zero_point) * scale if scale else values


def tflite_logits(path: str, images: List[np.ndarray]) -> np.ndarray:
    """Run a TFLite image classifier on RGB images.

    The input is :func:`tflite_inputs`.

    Args:
        path (str): The ``.tflite`` classifier.
        images (List[np.ndarray]): uint8 RGB images of the model's input
            size (``H x W x 3``).

    Returns:
        np.ndarray: float32 logits, one row per image.
    """
    interpreter = _interpreter_class()(
        model_path=path, experimental_preserve_all_tensors=True)
    interpreter.allocate_tensors()
    source = interpreter.get_input_details()[0]
    logits_index = _softmax_input(path)
    rows = []
    for value in tflite_inputs(path, images):
        interpreter.set_tensor(source['index'], value[None])
        interpreter.invoke()
        raw = interpreter.get_tensor(logits_index)
        detail = next(d for d in interpreter.get_tensor_details()
                      if d['index'] == logits_index)
        raw_scale, raw_zero = detail['quantization']
        rows.append(((raw.astype(np.float32) - raw_zero) *
                     raw_scale if raw_scale else raw).reshape(-1))
    return np.stack(rows).astype(np.float32)


def tflite_activations(path: str, images: List[np.ndarray],
                       indices: List[int]) -> Iterator[Dict[int, Activation]]:
    """Activations TFLite computes for each image, read tensor by tensor.

    Args:
        path (str): The ``.tflite`` classifier.
        images (List[np.ndarray]): uint8 RGB images.
        indices (List[int]): Graph indices of the tensors to read.

    Yields:
        Dict[int, Activation]: For one image at a time, index ->
        (de-quantized values, ``N x H x W x C``; grid step, 0 for float;
        zero point; integer range).
    """
    interpreter = _interpreter_class()(
        model_path=path, experimental_preserve_all_tensors=True)
    interpreter.allocate_tensors()
    source = interpreter.get_input_details()[0]
    grids = {
        detail['index']: detail['quantization']
        for detail in interpreter.get_tensor_details()
    }
    for value in tflite_inputs(path, images):
        interpreter.set_tensor(source['index'], value[None])
        interpreter.invoke()
        found = {}
        for index in indices:
            scale, zero_point = grids[index]
            raw = interpreter.get_tensor(index)
            limits = (np.iinfo(raw.dtype).min, np.iinfo(raw.dtype).max) \
                if np.issubdtype(raw.dtype, np.integer) else (0, 0)
            values = raw.astype(np.float32)
            found[index] = ((values - zero_point) * scale if scale else values,
                            float(scale), int(zero_point), limits)
        yield found
