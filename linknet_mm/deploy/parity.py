"""The parity check of low precisions (bf16, INT8) against fp32.

On labelled images they must keep fp32's task metric and pixels (the
criteria are :mod:`.parity_verdict`'s); the result is recorded beside the
checkpoint (:mod:`.parity_record`) for ``--precision auto``
(:func:`~.parity_check.check_parity`). Exports are checked by
:func:`~.export.check_export`.
"""
import time
from typing import Callable, Dict, Iterable, List, Sequence

import numpy as np
import torch
from mmseg.evaluation.metrics import IoUMetric
from torch import Tensor

from .backend_segmentor import logits_to_prediction
from .parity_verdict import agreement_floor, count_near_ties, judge

LogitsFn = Callable[[Tensor], Tensor]
#: Label of the pixels left out of the scores.
IGNORE_INDEX = 255
#: Images kept to time each precision on, after the parity pass.
TIMED_IMAGES = 16


class ParityCheck:
    """fp32 and candidate segmentors on the same labelled images.

    Per candidate: mIoU (two classes: class 1's Dice) change, argmax
    agreement at the original size and max logit difference against fp32,
    judged by :func:`~.parity_verdict.judge`. Speed is timed after, on the
    first :data:`TIMED_IMAGES` images, one precision after the other (ONNX
    Runtime's spinning threads would slow an interleaved PyTorch call).

    Args:
        reference (Callable): fp32 logits of a pixel batch.
        candidates (dict[str, Callable]): Precision name to its logits.
        num_classes (int): Classes of the model; ``class_names`` theirs.
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
        # IoUMetric's four areas per class, float64: exact past 2**24 pixels
        self.areas = {
            name: torch.zeros(4, num_classes, dtype=torch.float64)
            for name in self.runs
        }
        self.agree = {name: 0 for name in candidates}
        self.max_diff = {name: 0.0 for name in candidates}
        self.timed: List[Tensor] = []
        self.near_ties = self.pixels = self.images = 0

    def add(self, sample: dict) -> None:
        """Run every segmentor on one sample packed by the test pipeline."""
        data_sample = sample['data_samples']
        inputs = sample['inputs'][None].float()
        label = data_sample.gt_sem_seg.data[0].cpu()
        preds, logits = {}, {}
        if len(self.timed) < TIMED_IMAGES:
            self.timed.append(inputs)
        for name, run in self.runs.items():
            logits[name] = run(inputs)[0].float()
            scores, pred = logits_to_prediction(
                logits[name], data_sample.metainfo['ori_shape'],
                self.align_corners, self.threshold)
            if name == 'fp32':
                self.near_ties += count_near_ties(scores, self.threshold)
            preds[name] = pred[0].long()
            self.areas[name] += torch.stack(
                IoUMetric.intersect_and_union(preds[name], label,
                                              self.num_classes, IGNORE_INDEX))
        for name in self.agree:
            self.agree[name] += int((preds[name] == preds['fp32']).sum())
            diff = float((logits[name] - logits['fp32']).abs().max())
            self.max_diff[name] = max(self.max_diff[name], diff)
        self.pixels += preds['fp32'].numel()
        self.images += 1

    def run(self, samples: Iterable[dict]) -> Dict[str, dict]:
        """:meth:`add` every sample, then :meth:`results`."""
        with torch.no_grad():
            for sample in samples:
                self.add(sample)
        return self.results()

    def ms_per_image(self) -> Dict[str, float]:
        """Median ms per kept image of each precision, after a warm-up."""
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
        """Figures per precision, fp32 first: ``images``, ``mIoU`` (and
        ``Dice``) in points, ``ms_per_image``, ``agreement``, ``near_ties``,
        ``agreement_floor`` (0-1), ``max_logit_diff``, ``mIoU_change`` (and
        ``Dice_change``), ``ok`` and ``verdict`` (of
        :func:`~.parity_verdict.judge`; 'reference' for fp32)."""
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
    """:meth:`ParityCheck.results` as a table, then each verdict line."""
    dice = 'Dice' in results['fp32']
    head = (f'{"precision":<10}{"ms/img":>8}{"agree %":>10}'
            f'{"max|dlogit|":>12}{"mIoU":>8}{"change":>8}')
    if dice:
        head += f'{"Dice." + results["fp32"]["Dice_class"]:>12}{"change":>8}'
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
