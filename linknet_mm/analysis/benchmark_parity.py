"""The low-precision models a benchmark times, and every row's parity."""
import os.path as osp
from typing import Callable, Dict, Optional

import torch
import torch.nn as nn
from mmengine.config import Config
from torch import Tensor

from ..datasets.labelled_samples import labelled_samples
from ..deploy.bf16_segmentor import Bf16Segmentor
from ..deploy.logits_model import LogitsModel, optimized_module
from ..deploy.onnx_segmentor import OnnxSegmentor
from ..deploy.parity import ParityCheck
from ..deploy.parity_record import precision_files
from ..deploy.quantize import make_int8
from ..synthetic import make_synthetic_data

#: Test images of the synthetic data written when all are to be checked.
SYNTHETIC_TEST_IMAGES = 16


def int8_for_benchmark(model: nn.Module, checkpoint: Optional[str],
                       calib_dir: str, calib_num: int, folder: str) -> dict:
    """The INT8 model to time: the checked one beside the checkpoint, or new.

    Args:
        model (nn.Module): The fp32 segmentor.
        checkpoint (str, optional): Its file.
        calib_dir (str): Calibration data for a new INT8 model.
        calib_num (int): Calibration images.
        folder (str): Where a new INT8 model is written.

    Returns:
        dict: ``file`` and ``source`` (what it is).
    """
    if checkpoint is not None:
        beside = precision_files(checkpoint)['int8']
        if osp.isfile(beside):
            return dict(file=beside, source=f'{beside} (checked file)')
    out = osp.join(folder, 'model.int8.onnx')
    info = make_int8(model, out, calib_dir, calib_num)
    return dict(
        file=out,
        source=f'quantized here on {info["calibration_batches"]} images of '
        f'{calib_dir}')


def data_for_checks(cfg: Config, check_dir: Optional[str], folder: str,
                    calib_num: int, check_num: Optional[int]) -> str:
    """``check_dir``, or synthetic data of the config's format.

    Args:
        cfg (Config): The config.
        check_dir (str, optional): Labelled data given by the user.
        folder (str): Where synthetic data is written.
        calib_num (int): Training images wanted (calibration).
        check_num (int, optional): Test images wanted;
            :data:`SYNTHETIC_TEST_IMAGES` when None.

    Returns:
        str: The data root.
    """
    if check_dir is not None:
        return check_dir
    root = osp.join(folder, 'check_data')
    make_synthetic_data(
        cfg,
        root,
        calib_num,
        check_num or SYNTHETIC_TEST_IMAGES,
        instead='give labelled data for the bf16/INT8 rows with '
        '--check-dir, or leave them out with --no-low-precision')
    return root


def backend_parity(model: nn.Module, cfg: Config, data_root: str,
                   check_num: Optional[int], onnx_file: str, bf16: bool,
                   int8_file: Optional[str]) -> Dict[str, dict]:
    """Every timed backend against eager fp32 on labelled test images.

    Args:
        model (nn.Module): The fp32 segmentor (eager is its reference).
        cfg (Config): The config.
        data_root (str): Labelled data; its test split is used.
        check_num (int, optional): Images; all when None.
        onnx_file (str): The fp32 ONNX export timed.
        bf16 (bool): Check the bfloat16 path (only where this CPU offers
            it).
        int8_file (str, optional): The INT8 model timed.

    Returns:
        dict[str, dict]: Per backend, the figures of
        :meth:`~linknet_mm.deploy.ParityCheck.results` (``fp32`` is eager).
    """
    optimized = optimized_module(model)

    def run_optimized(x: Tensor) -> Tensor:
        with torch.inference_mode():
            return optimized(x.contiguous(memory_format=torch.channels_last))

    candidates: Dict[str, Callable[[Tensor], Tensor]] = dict(
        optimized=run_optimized,
        onnxruntime=OnnxSegmentor(onnx_file, cfg).logits)
    if bf16:
        candidates['bf16'] = Bf16Segmentor(model).logits
    if int8_file is not None:
        candidates['int8'] = OnnxSegmentor(int8_file, cfg).logits
    head = model.decode_head
    check = ParityCheck(
        LogitsModel(model).eval(),
        candidates,
        head.num_classes,
        model.dataset_meta['classes'],
        align_corners=head.align_corners,
        threshold=getattr(head, 'threshold', None) or 0.3)
    return check.run(labelled_samples(cfg, data_root, 'test', check_num))
