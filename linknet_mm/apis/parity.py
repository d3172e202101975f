"""Parity of low-precision segmentors with fp32 on labelled images."""
import time
from typing import Callable, Dict, Iterable, List, Optional, Sequence

import numpy as np
import torch
from torch import Tensor

from .logits_segmentor import logits_to_prediction

LogitsFn = Callable[[Tensor], Tensor]
#: Least share of pixels whose class is fp32's.
MIN_AGREEMENT = 0.995
#: Largest change of mIoU, in points (percent).
MAX_MIOU_CHANGE = 0.5
#: Largest change of the foreground Dice of a two-class model, in points
#: (0.5 points = 0.005).
MAX_DICE_CHANGE = 0.5
#: Images kept to time each precision on, after the parity pass.
TIMED_IMAGES = 16


class ConfusionCounts:
    """Intersections and areas per class, as mmseg's IoUMetric sums them.

    Args:
        num_classes (int): Classes of the model.
        ignore_index (int): Label of pixels left out. Defaults to 255.
    """

    def __init__(self, num_classes: int, ignore_index: int = 255) -> None:
        self.num_classes = num_classes
        self.ignore_index = ignore_index
        self.intersect = np.zeros(num_classes)
        self.pred_area = np.zeros(num_classes)
        self.label_area = np.zeros(num_classes)

    def add(self, pred: np.ndarray, label: np.ndarray) -> None:
        """Count one image.

        Args:
            pred (np.ndarray): Predicted class ids (H, W).
            label (np.ndarray): Ground truth (H, W).
        """
        keep = label != self.ignore_index
        pred, label = pred[keep], label[keep]
        bins = self.num_classes
        self.intersect += np.bincount(
            pred[pred == label], minlength=bins)[:bins]
        self.pred_area += np.bincount(pred, minlength=bins)[:bins]
        self.label_area += np.bincount(label, minlength=bins)[:bins]

    def iou(self) -> np.ndarray:
        """IoU per class in points; NaN where a class is in neither map."""
        union = self.pred_area + self.label_area - self.intersect
        with np.errstate(invalid='ignore', divide='ignore'):
            return 100 * self.intersect / union

    def dice(self) -> np.ndarray:
        """Dice per class in points; NaN where a class is in neither map."""
        with np.errstate(invalid='ignore', divide='ignore'):
            return 200 * self.intersect / (self.pred_area + self.label_area)

    def miou(self) -> float:
        """Mean IoU over the classes seen, in points."""
        return float(np.nanmean(self.iou()))


class ParityCheck:
    """fp32 and candidate segmentors on the same labelled images.

    Each candidate is compared with the fp32 reference: the share of
    pixels given the same class (argmax agreement, at the images' original
    size), the largest logit difference, and the change of the task
    metric against the ground truth: mIoU, and for a two-class model the
    Dice of class 1 (the tumour of the brain set). Speed is timed after
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
        self.counts = {
            name: ConfusionCounts(num_classes)
            for name in self.runs
        }
        self.agree = {name: 0 for name in candidates}
        self.max_diff = {name: 0.0 for name in candidates}
        self.timed: List[Tensor] = []
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
        label = data_sample.gt_sem_seg.data[0].cpu().numpy().astype(np.int64)
        ori_shape = data_sample.metainfo['ori_shape']
        preds, logits = {}, {}
        if len(self.timed) < TIMED_IMAGES:
            self.timed.append(inputs)
        for name, run in self.runs.items():
            logits[name] = run(inputs)[0].float()
            pred = logits_to_prediction(logits[name], ori_shape,
                                        self.align_corners, self.threshold)[1]
            preds[name] = pred[0].numpy().astype(np.int64)
            self.counts[name].add(preds[name], label)
        for name in self.agree:
            self.agree[name] += int((preds[name] == preds['fp32']).sum())
            diff = (logits[name] - logits['fp32']).abs().max()
            self.max_diff[name] = max(self.max_diff[name], float(diff))
        self.pixels += preds['fp32'].size
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

    def _dice_class(self) -> Optional[int]:
        """Class whose Dice is checked: 1 for a two-class model."""
        return 1 if self.num_classes == 2 else None

    def results(self) -> Dict[str, dict]:
        """Figures per precision, fp32 first.

        Returns:
            dict[str, dict]: ``images``, ``mIoU`` (points), ``Dice`` of class
            1 for two classes (points), ``ms_per_image`` (see
            :meth:`ms_per_image`); candidates
            also ``agreement`` (0-1), ``mIoU_change``, ``Dice_change``,
            ``max_logit_diff``, ``ok`` and ``failed`` (the limits missed).
        """
        if not self.images:
            raise ValueError('the parity check saw no image')
        dice_class = self._dice_class()
        speed = self.ms_per_image()
        out: Dict[str, dict] = {}
        for name, counts in self.counts.items():
            row = dict(
                images=self.images,
                mIoU=counts.miou(),
                ms_per_image=speed[name])
            if dice_class is not None:
                row['Dice'] = float(counts.dice()[dice_class])
                row['Dice_class'] = self.class_names[dice_class]
            out[name] = row
        for name in self.agree:
            row, ref = out[name], out['fp32']
            row['agreement'] = self.agree[name] / self.pixels
            row['max_logit_diff'] = self.max_diff[name]
            row['mIoU_change'] = row['mIoU'] - ref['mIoU']
            failed = []
            if row['agreement'] < MIN_AGREEMENT:
                failed.append(f'argmax agreement < {100 * MIN_AGREEMENT}%')
            if not abs(row['mIoU_change']) <= MAX_MIOU_CHANGE:
                failed.append(f'|mIoU change| > {MAX_MIOU_CHANGE} points')
            if dice_class is not None:
                row['Dice_change'] = row['Dice'] - ref['Dice']
                if not abs(row['Dice_change']) <= MAX_DICE_CHANGE:
                    failed.append(f'|Dice change| > {MAX_DICE_CHANGE} points')
            row['failed'] = failed
            row['ok'] = not failed
        out['fp32'].update(ok=True, failed=[], agreement=1.0,
                           max_logit_diff=0.0, mIoU_change=0.0)
        if dice_class is not None:
            out['fp32']['Dice_change'] = 0.0
        return out


def format_parity(results: Dict[str, dict]) -> str:
    """The results of :meth:`ParityCheck.results` as a table.

    Args:
        results (dict[str, dict]): Figures per precision.

    Returns:
        str: One line per precision.
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
        verdict = 'yes' if row['ok'] else 'NO: ' + '; '.join(row['failed'])
        lines.append(f'{line}  {verdict}')
    return '\n'.join(lines)
