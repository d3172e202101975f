"""Read the convolutions of a TFLite file as float arrays.

TFLite keeps weights quantized (int8 per output channel, or uint8 per
tensor with zero points) and BatchNorm folded into each convolution.
:func:`read_tflite_convs` returns every ``CONV_2D`` and
``DEPTHWISE_CONV_2D`` of the main graph in execution order, de-quantized to
float32 and still in TF's layouts (``OHWI``; ``[1, kh, kw, C]`` for
depthwise). The parser is the ``tflite`` package (the flatbuffer schema's
generated reader), imported only when a file is read.
"""
import os.path as osp
from dataclasses import dataclass
from typing import Any, List, Tuple

import numpy as np

from linknet_mm.errors import WeightConversionError


@dataclass
class TfliteConv:
    """One convolution of a TFLite graph, de-quantized.

    Attributes:
        name (str): The weight tensor's name in the file.
        weight (np.ndarray): float32, ``OHWI`` (``[1, kh, kw, C]`` when
            ``depthwise``).
        bias (np.ndarray): float32, one per output channel (the folded
            BatchNorm's shift).
        stride (int): Stride (the same along both axes).
        dilation (int): Dilation rate (the same along both axes).
        padding (str): ``'SAME'`` or ``'VALID'``.
        activation (str): The fused activation: ``'NONE'``, ``'RELU6'``...
        depthwise (bool): A ``DEPTHWISE_CONV_2D``.
        tensors (Tuple[int, int]): The graph's indices of the input and
            output activations (to read them from an interpreter).
    """

    name: str
    weight: np.ndarray
    bias: np.ndarray
    stride: int
    dilation: int
    padding: str
    activation: str
    depthwise: bool
    tensors: Tuple[int, int]


def tflite_module() -> Any:
    """The ``tflite`` parser package, or an ImportError naming it."""
    try:
        import tflite
    except ImportError:
        raise ImportError(
            'reading a .tflite file needs the tflite package (a flatbuffer '
            "parser): pip install 'tflite==2.18.0' (or the [tflite] extra "
            'of linknet_mm)') from None
    return tflite


def dequantize(values: np.ndarray, scale: np.ndarray, zero_point: np.ndarray,
               axis: int) -> np.ndarray:
    """``(q - zero_point) * scale``, per channel along ``axis``.

    Args:
        values (np.ndarray): Quantized integers.
        scale (np.ndarray): One scale, or one per channel of ``axis``.
        zero_point (np.ndarray): Like ``scale`` (may be empty: zero).
        axis (int): The quantized dimension.

    Returns:
        np.ndarray: float32 values of ``values``' shape.
    """
    shape = [1] * values.ndim
    if scale.size > 1:
        shape[axis] = scale.size
    zero = zero_point if zero_point.size else np.zeros_like(scale)
    return ((values.astype(np.float64) - zero.reshape(shape)) *
            scale.reshape(shape)).astype(np.float32)


def _tensor_array(tflite: Any, model: Any, tensor: Any) -> np.ndarray:
    """A constant tensor's values, de-quantized when quantized."""
    dtypes = {
        tflite.TensorType.FLOAT32: np.float32,
        tflite.TensorType.INT8: np.int8,
        tflite.TensorType.UINT8: np.uint8,
        tflite.TensorType.INT32: np.int32,
    }
    name = tensor.Name().decode()
    if tensor.Type() not in dtypes:
        raise WeightConversionError(
            f'tensor {name!r} has TFLite type {tensor.Type()}; expected '
            'float32, int8, uint8 or int32 weights')
    data = model.Buffers(tensor.Buffer()).DataAsNumpy()
    if not isinstance(data, np.ndarray):
        raise WeightConversionError(f'tensor {name!r} holds no data')
    values = data.view(dtypes[tensor.Type()]).reshape(tensor.ShapeAsNumpy())
    quant = tensor.Quantization()
    if tensor.Type() == tflite.TensorType.FLOAT32 or quant is None \
            or quant.ScaleLength() == 0:
        return values.astype(np.float32)
    return dequantize(values, quant.ScaleAsNumpy(),
                      quant.ZeroPointAsNumpy() if quant.ZeroPointLength()
                      else np.zeros(0), quant.QuantizedDimension())


def _conv(tflite: Any, model: Any, graph: Any, op: Any,
          depthwise: bool) -> TfliteConv:
    """One convolution operator as a :class:`TfliteConv`."""
    options = (tflite.DepthwiseConv2DOptions()
               if depthwise else tflite.Conv2DOptions())
    table = op.BuiltinOptions()
    options.Init(table.Bytes, table.Pos)
    if options.StrideH() != options.StrideW() or \
            options.DilationHFactor() != options.DilationWFactor():
        raise WeightConversionError(
            'a convolution with strides '
            f'{options.StrideH()}x{options.StrideW()} and dilations '
            f'{options.DilationHFactor()}x{options.DilationWFactor()}; '
            'expected equal ones')
    inputs = op.InputsAsNumpy()
    weight_tensor = graph.Tensors(inputs[1])
    weight = _tensor_array(tflite, model, weight_tensor)
    bias = (_tensor_array(tflite, model, graph.Tensors(inputs[2]))
            if len(inputs) > 2 and inputs[2] >= 0 else np.zeros(
                weight.shape[-1 if depthwise else 0], np.float32))
    names = {value: key for key, value in
             vars(tflite.ActivationFunctionType).items()
             if not key.startswith('_')}
    return TfliteConv(
        name=weight_tensor.Name().decode().split(';')[0],
        weight=weight,
        bias=bias,
        stride=options.StrideW(),
        dilation=options.DilationWFactor(),
        padding='SAME' if options.Padding() == tflite.Padding.SAME
        else 'VALID',
        activation=names[options.FusedActivationFunction()],
        depthwise=depthwise,
        tensors=(int(inputs[0]), int(op.Outputs(0))))


def read_tflite_ops(path: str) -> Tuple[Any, List[Tuple[int, Any]]]:
    """Parse a ``.tflite`` file: its main graph and operators.

    Args:
        path (str): The file.

    Returns:
        Tuple: The ``tflite.Model`` and its main graph's operators as
        ``(tflite.BuiltinOperator code, operator)``, in execution order.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        WeightConversionError: ``path`` is not a TFLite model.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'TFLite file {path!r} not found')
    tflite = tflite_module()
    with open(path, 'rb') as file:
        buffer = file.read()
    if buffer[4:8] != b'TFL3':
        raise WeightConversionError(
            f'{path!r} is not a TFLite model (no TFL3 flatbuffer '
            'identifier at bytes 4-8)')
    model = tflite.Model.GetRootAsModel(buffer, 0)
    graph = model.Subgraphs(0)
    ops = []
    for index in range(graph.OperatorsLength()):
        op = graph.Operators(index)
        code = model.OperatorCodes(op.OpcodeIndex())  # old and new fields
        ops.append((max(code.BuiltinCode(), code.DeprecatedBuiltinCode()), op))
    return model, ops


def read_tflite_convs(path: str) -> List[TfliteConv]:
    """Every convolution of a TFLite file's main graph, in execution order.

    Args:
        path (str): A ``.tflite`` file.

    Returns:
        List[TfliteConv]: The convolutions, weights de-quantized.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        WeightConversionError: ``path`` is not a TFLite model.
    """
    model, ops = read_tflite_ops(path)
    tflite = tflite_module()
    kinds = {tflite.BuiltinOperator.CONV_2D: False,
             tflite.BuiltinOperator.DEPTHWISE_CONV_2D: True}
    return [_conv(tflite, model, model.Subgraphs(0), op, kinds[code])
            for code, op in ops if code in kinds]
