"""Scoring of the Cityscapes colour decoder, and its plain baseline.

How many pixels decode to their true trainId, over all pixels and away
from class edges, on generated composites and on composites built from
real gtFine labelId maps, and how much the labels of real composites move
when their colour maps are JPEG-compressed once more
(``benchmark_label_decoding.py``; the decoder's tests use the scores too).
"""
import glob
import os.path as osp
import sys
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import cv2
import mmcv
import numpy as np
import torch
from mmseg.evaluation import IoUMetric

from linknet_mm.datasets.cityscapes_color_decoder import (check_color_image,
                                                          palette_colors)
from linknet_mm.datasets.cityscapes_labels import label_id_to_train_id
from linknet_mm.datasets.transforms.split_image_pair import split_image_pair

# the generators of synthetic data live in tools/misc
sys.path.insert(0, osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))),
                            'misc'))
from synthetic_cityscapes_pairs import (  # noqa: E402
    QUALITY, encode_jpeg, pair_from_label_ids, render_cityscapes_pair)

POLEGROUP = 18
#: (name, OpenCV flag) of the resizes that make real-layout composites, and
#: of the nearest-neighbour resizes that make their truth.
INTERPOLATIONS = (('area', cv2.INTER_AREA), ('bicubic', cv2.INTER_CUBIC))
QUALITIES = (90, 95)
TRUTHS = (('INTER_NEAREST', cv2.INTER_NEAREST),
          ('pixel-centre INTER_NEAREST_EXACT', cv2.INTER_NEAREST_EXACT))

Sample = Tuple[bytes, np.ndarray, np.ndarray]  # JPEG, truth, valid mask
Decoder = Callable[[np.ndarray], np.ndarray]


def nearest_palette_decode(color: np.ndarray,
                           channel_order: str = 'bgr') -> np.ndarray:
    """Decode by the nearest palette colour alone (the plain baseline).

    Args:
        color (np.ndarray): uint8 colour label image of shape (H, W, 3).
        channel_order (str): ``'bgr'`` (as mmcv and OpenCV load images) or
            ``'rgb'``. Defaults to 'bgr'.

    Returns:
        np.ndarray: uint8 trainIds of shape (H, W), 255 for void colours.
    """
    check_color_image(color, channel_order)
    colors, train_ids = palette_colors()
    if channel_order == 'bgr':
        colors = colors[:, ::-1]
    pixels = color.reshape(-1, 3).astype(np.float32)
    # |p - c|^2 = |p|^2 - 2 p.c + |c|^2; |p|^2 is the same for every c.
    scores = pixels @ (-2 * colors.T) + (colors**2).sum(1)
    return train_ids[scores.argmin(1)].reshape(color.shape[:2])


def away_from_edges(truth: np.ndarray, size: int = 3) -> np.ndarray:
    """bool mask of the pixels whose ``size`` x ``size`` neighbourhood in
    the label map ``truth`` is one class."""
    kernel = np.ones((size, size), np.uint8)
    return cv2.dilate(truth, kernel) == cv2.erode(truth, kernel)


def exactness(decoded: np.ndarray,
              truth: np.ndarray,
              valid: Optional[np.ndarray] = None,
              size: int = 3) -> Tuple[int, int, int, int]:
    """How many pixels decode to their true trainId.

    Args:
        decoded (np.ndarray): Decoded trainIds (H, W).
        truth (np.ndarray): True trainIds (H, W).
        valid (np.ndarray, optional): bool mask of the pixels to score;
            all when None. Defaults to None.
        size (int): Neighbourhood side for :func:`away_from_edges`.

    Returns:
        tuple[int, int, int, int]: Correct and scored pixels, over all
        pixels and over those away from edges (sum them over images and
        divide for pooled fractions).
    """
    if valid is None:
        valid = np.ones(truth.shape, bool)
    correct = (decoded == truth) & valid
    away = away_from_edges(truth, size) & valid
    return (int(correct.sum()), int(valid.sum()), int(correct[away].sum()),
            int(away.sum()))


def generated_samples(num: int, seed: int) -> List[Sample]:
    """``num`` generated composites, JPEG-compressed, with their true
    trainIds and an all-true mask."""
    samples = []
    for i in range(num):
        rng = np.random.default_rng([seed, i])
        composite, truth = render_cityscapes_pair(rng)
        quality = rng.integers(QUALITY[0], QUALITY[1] + 1)
        samples.append((encode_jpeg(composite, quality), truth,
                        np.ones(truth.shape, bool)))
    return samples


def real_layout_samples(
        gtfine_dir: str) -> Dict[Tuple[str, int, str], List[Sample]]:
    """JPEG composites built from the ``*_gtFine_labelIds.png`` maps of
    ``gtfine_dir``, per (interpolation, quality, truth) setting; polegroup
    pixels are left out of the valid masks."""
    paths = sorted(glob.glob(osp.join(gtfine_dir, '*_gtFine_labelIds.png')))
    if not paths:
        raise ValueError(f'--gtfine-dir {gtfine_dir} has no '
                         '*_gtFine_labelIds.png files')
    to_train_id = label_id_to_train_id()
    settings: Dict[Tuple[str, int, str], List[Sample]] = {}
    for path in paths:
        label_ids = cv2.imread(path, cv2.IMREAD_UNCHANGED)
        if label_ids is None or label_ids.ndim != 2:
            raise ValueError(f'{path}: expected a single-channel labelId '
                             'PNG')
        photo = cv2.imread(
            path.replace('_gtFine_labelIds.png', '_leftImg8bit.png'))
        for interp_name, interp in INTERPOLATIONS:
            composite = pair_from_label_ids(label_ids, photo, interp)
            for quality in QUALITIES:
                content = encode_jpeg(composite, quality)
                for truth_name, nearest in TRUTHS:
                    small = cv2.resize(
                        label_ids, (256, 256), interpolation=nearest)
                    settings.setdefault(
                        (interp_name, quality, truth_name), []).append(
                            (content, to_train_id[small], small != POLEGROUP))
    return settings


def label_half(content: bytes) -> np.ndarray:
    """The colour label half (BGR view) of a JPEG composite, decoded and
    split as ``LoadImageFromFile`` and ``SplitImagePair`` do."""
    composite = mmcv.imfrombytes(content, flag='unchanged', backend='cv2')
    return split_image_pair(composite, 'left', '<benchmark>')[1]


def score(samples: Sequence[Sample], decode: Decoder) -> Tuple[float, float]:
    """Percent of valid pixels ``decode`` gets right, over all pixels and
    away from edges, pooled over ``samples``."""
    totals = np.zeros(4, np.int64)
    for content, truth, valid in samples:
        totals += exactness(decode(label_half(content)), truth, valid)
    return 100 * totals[0] / totals[1], 100 * totals[2] / totals[3]


def recompression_noise(paths: Sequence[str], decode: Decoder, quality: int,
                        num_classes: int = 19) -> Tuple[float, float]:
    """How far labels move when their colour map is JPEG-compressed again.

    Each composite's colour half is decoded as the dataset decodes it (the
    reference), and again after one more JPEG compression of that half at
    ``quality``: what the JPEG noise of the colour maps alone costs.

    Returns:
        tuple[float, float]: Percent of the reference's labelled pixels
        whose label is unchanged, and the mIoU (mmseg's sums) of the second
        labels against the reference.
    """
    areas = torch.zeros(4, num_classes, dtype=torch.float64)
    same = labelled = 0
    for path in paths:
        with open(path, 'rb') as f:
            color = label_half(f.read())
        first = decode(color)
        second = decode(cv2.imdecode(
            np.frombuffer(encode_jpeg(np.ascontiguousarray(color), quality),
                          np.uint8), cv2.IMREAD_COLOR))
        valid = first != 255
        same += int((second[valid] == first[valid]).sum())
        labelled += int(valid.sum())
        areas += torch.stack(IoUMetric.intersect_and_union(
            torch.from_numpy(second.astype(np.int64)),
            torch.from_numpy(first.astype(np.int64)), num_classes, 255))
    metrics = IoUMetric.total_area_to_metrics(*areas, ['mIoU'])
    return 100 * same / max(labelled, 1), \
        100 * float(np.nanmean(metrics['IoU']))
