"""The parity check: a deployed model against the fp32 PyTorch segmentor.

Two uses:

* exports (ONNX, TorchScript) must give the fp32 segmentor's logits on
  random images of several sizes (:func:`check_export`, run by the export
  tools);
* low precisions (bf16, INT8) must keep its task metric and its pixels on
  labelled images (:class:`ParityCheck`, :func:`check_parity`, run by
  ``tools/deployment/quantize.py``; the criteria are
  :mod:`.parity_verdict`'s), and the result is recorded beside the
  checkpoint (:mod:`.parity_record`) for ``--precision auto``.
"""
import logging
import os.path as osp
import time
from typing import (Callable, Dict, FrozenSet, Iterable, List, Optional,
                    Sequence, Tuple)

import numpy as np
import torch
import torch.nn as nn
from mmengine.logging import print_log
from mmseg.evaluation.metrics import IoUMetric
from mmseg.structures import SegDataSample
from torch import Tensor

from ..datasets.labelled_samples import labelled_samples
from ..utils.files import file_sha256
from .backend_segmentor import logits_to_prediction
from .bf16_segmentor import Bf16Segmentor
from .logits_model import LogitsModel, in_channels_of
from .onnx_segmentor import OnnxSegmentor
from .parity_record import cpu_key, precision_files, write_parity
from .parity_verdict import agreement_floor, count_near_ties, judge
from .precision import unavailable
from .quantize import make_int8

LogitsFn = Callable[[Tensor], Tensor]
#: Label of the pixels left out of the scores.
IGNORE_INDEX = 255
#: Images kept to time each precision on, after the parity pass.
TIMED_IMAGES = 16
#: Tolerances of :func:`check_export` (an fp32 export).
MAX_ABS_DIFF, MIN_EXPORT_AGREEMENT = 1e-4, 0.9999
#: Sizes the export tools check: typical, square, odd, and batch 2.
CHECK_SHAPES = ((1, 360, 640), (1, 256, 256), (1, 67, 93), (1, 255, 257),
                (2, 67, 93))


def reference_logits(segmentor: nn.Module, inputs: Tensor) -> Tensor:
    """Logits of the segmentor's own mmseg path, at the input size.

    Args:
        segmentor (nn.Module): The segmentor.
        inputs (Tensor): Pixels, see
            :data:`~.logits_model.INPUT_FORMAT`.

    Returns:
        Tensor: ``EncoderDecoder.inference`` after the data preprocessor.
    """
    hw = tuple(inputs.shape[2:])
    samples = [
        SegDataSample(metainfo=dict(img_shape=hw, ori_shape=hw))
        for _ in range(inputs.shape[0])
    ]
    with torch.no_grad():
        data = segmentor.data_preprocessor(
            dict(inputs=list(inputs), data_samples=samples), False)
        return segmentor.inference(data['inputs'],
                                   [s.metainfo for s in samples])


def compare_logits(expected: Tensor, got: Tensor) -> Dict[str, float]:
    """Max absolute difference and argmax agreement of two logit batches.

    Args:
        expected (Tensor): Reference logits (N, C, H, W).
        got (Tensor): Logits to check, same shape.

    Returns:
        dict: ``max_abs_diff`` and ``agreement`` (fraction of pixels whose
        argmax is the same).
    """
    if tuple(expected.shape) != tuple(got.shape):
        raise ValueError(f'exported model gave logits of shape '
                         f'{tuple(got.shape)}, expected '
                         f'{tuple(expected.shape)}')
    return dict(
        max_abs_diff=float((expected - got).abs().max()),
        agreement=float((expected.argmax(1) == got.argmax(1)).float().mean()))


def check_export(segmentor: nn.Module,
                 run,
                 shapes: Sequence[Tuple[int, int, int]] = CHECK_SHAPES,
                 seed: int = 0) -> List[dict]:
    """Compare an exported model with the segmentor on several sizes.

    Args:
        segmentor (nn.Module): The eager segmentor.
        run (Callable[[Tensor], Tensor]): Runs the exported model on a
            batch of pixels and returns its logits.
        shapes (Sequence[tuple[int, int, int]]): (N, H, W) to try. Defaults
            to :data:`CHECK_SHAPES`.
        seed (int): Seed of the random inputs. Defaults to 0.

    Returns:
        list[dict]: Per shape: ``shape``, ``max_abs_diff``, ``agreement``
        and ``ok`` (within :data:`MAX_ABS_DIFF` and
        :data:`MIN_EXPORT_AGREEMENT`).
    """
    generator = torch.Generator().manual_seed(seed)
    channels = in_channels_of(segmentor)
    rows = []
    for n, h, w in shapes:
        inputs = torch.rand(n, channels, h, w, generator=generator) * 255
        row = dict(shape=[n, channels, h, w])
        row.update(
            compare_logits(reference_logits(segmentor, inputs), run(inputs)))
        row['ok'] = bool(row['max_abs_diff'] <= MAX_ABS_DIFF
                         and row['agreement'] >= MIN_EXPORT_AGREEMENT)
        rows.append(row)
    return rows


def format_export_check(rows: Sequence[dict]) -> str:
    """The rows of :func:`check_export` as a table.

    Args:
        rows (Sequence[dict]): Rows of :func:`check_export`.

    Returns:
        str: One line per shape.
    """
    lines = [
        f'{"input (N, C, H, W)":<22}{"max |diff|":>12}'
        f'{"argmax agree":>15}  ok'
    ]
    for row in rows:
        lines.append(f'{str(tuple(row["shape"])):<22}'
                     f'{row["max_abs_diff"]:>12.2e}'
                     f'{100 * row["agreement"]:>14.4f}%  '
                     f'{"yes" if row["ok"] else "NO"}')
    return '\n'.join(lines)


def report_export_check(rows: Sequence[dict], title: str, failure: str) -> int:
    """Log the rows of :func:`check_export` and say whether all passed.

    Args:
        rows (Sequence[dict]): Rows of :func:`check_export`.
        title (str): What was compared, e.g. 'ONNX Runtime vs PyTorch'.
        failure (str): What a failed check means, for the error line.

    Returns:
        int: Exit status for a tool: 0 if every row is ok, else 1.
    """
    print_log(f'{title}:\n{format_export_check(rows)}', logger='current')
    if all(row['ok'] for row in rows):
        return 0
    print_log(
        f'check failed: {failure}', logger='current', level=logging.ERROR)
    return 1


class ParityCheck:
    """fp32 and candidate segmentors on the same labelled images.

    Each candidate is compared with the fp32 reference: the change of the
    task metric against the ground truth (mIoU, and for a two-class model
    the Dice of class 1, the tumour of the brain set), the share of pixels
    given the same class (argmax agreement, at the images' original size)
    and the largest logit difference; fp32's near-ties set the agreement
    floor. :func:`~.parity_verdict.judge` decides. Speed is timed after
    the parity pass, one precision after the other on the first
    :data:`TIMED_IMAGES` images (interleaved, ONNX Runtime's spinning
    threads would slow the PyTorch call that follows).

    Args:
        reference (Callable): fp32 logits of a pixel batch.
        candidates (dict[str, Callable]): Precision name to its logits
            function.
        num_classes (int): Classes of the model.
        class_names (Sequence[str]): Their names.
        align_corners (bool): Of the decode head. Defaults to False.
        threshold (float): Of a one-channel head. Defaults to 0.3.
    """

    def __init__(self,
                 reference: LogitsFn,
                 candidates: Dict[str, LogitsFn],
                 num_classes: int,
                 class_names: Sequence[str],
                 align_corners: bool = False,
                 threshold: float = 0.3) -> None:
        self.runs: Dict[str, LogitsFn] = dict(fp32=reference, **candidates)
        self.num_classes = num_classes
        self.class_names = list(class_names)
        self.align_corners = align_corners
        self.threshold = threshold
        # intersection, union, prediction and label areas per class, summed
        # in float64 (exact past float32's 2**24 pixels)
        self.areas = {
            name: torch.zeros(4, num_classes, dtype=torch.float64)
            for name in self.runs
        }
        self.agree = {name: 0 for name in candidates}
        self.max_diff = {name: 0.0 for name in candidates}
        self.timed: List[Tensor] = []
        self.near_ties = 0
        self.pixels = 0
        self.images = 0

    def add(self, sample: dict) -> None:
        """Run every segmentor on one packed sample and count it.

        Args:
            sample (dict): ``inputs`` (C, H, W) and ``data_samples`` with
                ``gt_sem_seg`` (from the config's test pipeline).
        """
        data_sample = sample['data_samples']
        inputs = sample['inputs'][None].float()
        label = data_sample.gt_sem_seg.data[0].cpu()
        ori_shape = data_sample.metainfo['ori_shape']
        preds, logits = {}, {}
        if len(self.timed) < TIMED_IMAGES:
            self.timed.append(inputs)
        for name, run in self.runs.items():
            logits[name] = run(inputs)[0].float()
            scores, pred = logits_to_prediction(logits[name], ori_shape,
                                                self.align_corners,
                                                self.threshold)
            if name == 'fp32':
                self.near_ties += count_near_ties(scores, self.threshold)
            preds[name] = pred[0].long()
            self.areas[name] += torch.stack(
                IoUMetric.intersect_and_union(preds[name], label,
                                              self.num_classes, IGNORE_INDEX))
        for name in self.agree:
            self.agree[name] += int((preds[name] == preds['fp32']).sum())
            diff = (logits[name] - logits['fp32']).abs().max()
            self.max_diff[name] = max(self.max_diff[name], float(diff))
        self.pixels += preds['fp32'].numel()
        self.images += 1

    def run(self, samples: Iterable[dict]) -> Dict[str, dict]:
        """:meth:`add` every sample, then :meth:`results`.

        Args:
            samples (Iterable[dict]): Packed labelled samples.

        Returns:
            dict[str, dict]: As :meth:`results`.
        """
        with torch.no_grad():
            for sample in samples:
                self.add(sample)
        return self.results()

    def ms_per_image(self) -> Dict[str, float]:
        """Median milliseconds per image of each precision.

        Each runs on the kept images after one untimed call, all its calls
        before the next precision's.

        Returns:
            dict[str, float]: Per precision.
        """
        out = {}
        with torch.no_grad():
            for name, run in self.runs.items():
                run(self.timed[0])
                times = []
                for inputs in self.timed:
                    start = time.perf_counter()
                    run(inputs)
                    times.append(time.perf_counter() - start)
                out[name] = 1000 * float(np.median(times))
        return out

    def _scores(self, name: str) -> dict:
        """mIoU of a precision, and the Dice of class 1 for two classes."""
        scores = IoUMetric.total_area_to_metrics(
            *self.areas[name], metrics=['mIoU', 'mDice'])
        row = dict(
            images=self.images, mIoU=100 * float(np.nanmean(scores['IoU'])))
        if self.num_classes == 2:
            row['Dice'] = 100 * float(scores['Dice'][1])
            row['Dice_class'] = self.class_names[1]
        return row

    def results(self) -> Dict[str, dict]:
        """Figures per precision, fp32 first.

        Returns:
            dict[str, dict]: ``images``, ``mIoU`` (points), ``Dice`` of class
            1 for two classes (points), ``ms_per_image`` (see
            :meth:`ms_per_image`), ``agreement`` (0-1), ``near_ties``
            (fp32's share, 0-1) and ``agreement_floor`` (0-1, see
            :func:`~.parity_verdict.agreement_floor`),
            ``max_logit_diff``, ``mIoU_change`` and ``Dice_change``,
            ``ok`` and ``verdict`` (the line of
            :func:`~.parity_verdict.judge`; 'reference' for fp32).
        """
        if not self.images:
            raise ValueError('the parity check saw no image')
        speed = self.ms_per_image()
        agree = dict(self.agree, fp32=self.pixels)
        max_diff = dict(self.max_diff, fp32=0.0)
        shared = dict(
            near_ties=self.near_ties / self.pixels,
            agreement_floor=agreement_floor(self.near_ties, self.pixels))
        out: Dict[str, dict] = {}
        for name in self.runs:
            row = out[name] = self._scores(name)
            row.update(
                shared,
                ms_per_image=speed[name],
                agreement=agree[name] / self.pixels,
                max_logit_diff=max_diff[name],
                mIoU_change=row['mIoU'] - out['fp32']['mIoU'])
            if 'Dice' in row:
                row['Dice_change'] = row['Dice'] - out['fp32']['Dice']
            if name == 'fp32':
                row.update(ok=True, verdict='reference')
            else:
                row['ok'], row['verdict'] = judge(name, row, out['fp32'])
        return out


def format_parity(results: Dict[str, dict]) -> str:
    """The results of :meth:`ParityCheck.results` as a table and verdicts.

    Args:
        results (dict[str, dict]): Figures per precision.

    Returns:
        str: One line per precision, then the verdict line of each
        candidate.
    """
    dice = 'Dice' in results['fp32']
    head = (f'{"precision":<10}{"ms/img":>8}{"agree %":>10}'
            f'{"max|dlogit|":>12}{"mIoU":>8}{"change":>8}')
    if dice:
        name = results['fp32']['Dice_class']
        head += f'{"Dice." + name:>12}{"change":>8}'
    lines = [head + '  ok']
    for precision, row in results.items():
        line = (f'{precision:<10}{row["ms_per_image"]:>8.1f}'
                f'{100 * row["agreement"]:>10.3f}'
                f'{row["max_logit_diff"]:>12.3g}{row["mIoU"]:>8.2f}'
                f'{row["mIoU_change"]:>+8.2f}')
        if dice:
            line += f'{row["Dice"]:>12.2f}{row["Dice_change"]:>+8.2f}'
        lines.append(f'{line}  {"yes" if row["ok"] else "NO"}')
    lines += [
        row['verdict'] for name, row in results.items() if name != 'fp32'
    ]
    return '\n'.join(lines)


def _skipped(precision: str, reason: str) -> str:
    """Log that ``precision`` is not checked here, and return ``reason``."""
    print_log(
        f'{precision} skipped: {reason}', logger='current',
        level=logging.WARNING)
    return reason


def check_parity(
    model: nn.Module,
    checkpoint: str,
    check_dir: str,
    calib_dir: Optional[str] = None,
    calib_num: int = 300,
    check_num: Optional[int] = None,
    precisions: Sequence[str] = ('bf16', 'int8'),
    keep_float_ends: bool = False,
    method: str = 'minmax',
    flags: Optional[FrozenSet[str]] = None,
    fp32_onnx: Optional[str] = None
) -> Tuple[Dict[str, dict], Dict[str, str], str]:
    """Check precisions against fp32 and record the result for ``auto``.

    INT8 is (re)made from the checkpoint when ``calib_dir`` is given, else
    the INT8 file beside the checkpoint is checked. A precision this CPU
    does not offer is skipped with its reason.

    Args:
        model (nn.Module): The checkpoint's segmentor (fp32, eval mode).
        checkpoint (str): Its file; the INT8 model and the parity file go
            beside it (:func:`~.parity_record.precision_files`).
        check_dir (str): Labelled images in the dataset's layout; its test
            split is checked.
        calib_dir (str, optional): Calibration data for INT8.
        calib_num (int): Calibration images. Defaults to 300.
        check_num (int, optional): Images checked; all when None.
        precisions (Sequence[str]): Checked besides fp32. Defaults to
            ('bf16', 'int8').
        keep_float_ends (bool): Of the INT8 model. Defaults to False.
        method (str): Calibration method. Defaults to 'minmax'.
        flags (frozenset[str], optional): CPU flags; this CPU's when None.
        fp32_onnx (str, optional): The checkpoint's fp32 ONNX export to
            quantize; exported here when None.

    Returns:
        tuple: Results per precision (of
        :meth:`ParityCheck.results`), the reasons
        of skipped precisions, and the parity file written.
    """
    check = dict(check_dir=osp.abspath(check_dir))
    # both splits are listed before any export: an empty one stops here
    samples = labelled_samples(model.cfg, check_dir, 'test', check_num)
    if calib_dir is not None and 'int8' in precisions:
        labelled_samples(model.cfg, calib_dir, 'train', 1)
    candidates, skipped = {}, {}
    for precision in precisions:
        reason = unavailable(precision, flags)
        if reason:
            skipped[precision] = _skipped(precision, reason)
        elif precision == 'bf16':
            candidates['bf16'] = Bf16Segmentor(model, flags).logits
        elif precision == 'int8':
            candidates['int8'], made = _int8_model(model, checkpoint,
                                                   calib_dir, calib_num,
                                                   keep_float_ends, method,
                                                   fp32_onnx)
            check.update(made)
    results, check['images'] = _compare(model, candidates, samples)
    path = write_parity(checkpoint, results, check, cpu_key(flags))
    return results, skipped, path


def _compare(model: nn.Module, candidates: Dict[str, LogitsFn],
             samples: Iterable[dict]) -> Tuple[Dict[str, dict], int]:
    """Run :class:`ParityCheck` of the candidates on labelled samples.

    Returns:
        tuple: The results and the number of images checked.
    """
    reference = LogitsModel(model).eval()
    head = model.decode_head
    parity = ParityCheck(
        reference,
        candidates,
        num_classes=head.num_classes,
        class_names=model.dataset_meta['classes'],
        align_corners=head.align_corners,
        threshold=getattr(head, 'threshold', None) or 0.3)
    with torch.no_grad():
        results = parity.run(samples)
    return results, parity.images


def _int8_model(model: nn.Module, checkpoint: str, calib_dir: Optional[str],
                calib_num: int, keep_float_ends: bool, method: str,
                fp32_onnx: Optional[str]) -> Tuple[LogitsFn, dict]:
    """The INT8 model beside the checkpoint, made first if ``calib_dir``.

    Returns:
        tuple: Its logits function, and what the parity record keeps of
        it (``int8``: how it was made, ``int8_sha256``).
    """
    int8 = precision_files(checkpoint)['int8']
    made = {}
    if calib_dir is not None:
        made['int8'] = make_int8(model, int8, calib_dir, calib_num,
                                 keep_float_ends, method, fp32_onnx)
    elif not osp.isfile(int8):
        raise FileNotFoundError(
            f'no INT8 model {int8}: give --calib-dir to make it')
    made['int8_sha256'] = file_sha256(int8)
    runtime = OnnxSegmentor(int8, model.cfg, dataset_meta=model.dataset_meta)
    return runtime.logits, made
