"""Synthetic MRI slices in the layout of the Kaggle brain-tumour set."""
import os
import os.path as osp
from typing import Tuple

import cv2
import numpy as np

# The tumour's area as a fraction of the image, drawn log-uniform: real
# masks cover 0.3-5 %. The outline's radius ripples by at most
# +-MAX_RIPPLE, which changes the area by under 1 %.
TUMOUR_AREA = (0.004, 0.04)
MAX_RIPPLE = 0.18
MIN_SIZE = 64


def _smooth_noise(rng: np.random.Generator, size: int,
                  cells: int) -> np.ndarray:
    """Smooth float32 (size, size) field of unit standard deviation: a
    random ``cells`` x ``cells`` grid upsampled (fewer cells, smoother)."""
    coarse = rng.standard_normal((cells, cells)).astype(np.float32)
    field = cv2.resize(coarse, (size, size), interpolation=cv2.INTER_CUBIC)
    return field / max(float(field.std()), 1e-6)


def _make_pair(rng: np.random.Generator,
               size: int) -> Tuple[np.ndarray, np.ndarray]:
    """Draw one axial T1-CE-like slice and its tumour mask: uint8 image and
    0/255 mask, both of shape (size, size)."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size

    # Head: a tilted ellipse; rho is 1 on the scalp, 0 at the centre.
    cx, cy = 0.5 + rng.uniform(-0.03, 0.03, size=2)
    ax, ay = rng.uniform(0.33, 0.39), rng.uniform(0.40, 0.46)
    angle = rng.uniform(-0.2, 0.2)
    cos, sin = np.cos(angle), np.sin(angle)
    u = (x - cx) * cos + (y - cy) * sin
    v = (y - cy) * cos - (x - cx) * sin
    rho = np.sqrt((u / ax)**2 + (v / ay)**2)

    tissue = 85 + 6 * _smooth_noise(rng, size, 24)
    white = _smooth_noise(rng, size, 6) + 2.5 * (0.65 - rho) > 0
    tissue += 25 * cv2.GaussianBlur(
        white.astype(np.float32), (0, 0), size / 200)
    img = np.where(rho <= 0.86, tissue, 0).astype(np.float32)
    img[(rho > 0.86) & (rho <= 0.9)] = 35  # cerebrospinal fluid
    skull = (rho > 0.9) & (rho <= 1)
    img[skull] = 140 + 15 * _smooth_noise(rng, size, 32)[skull]
    for side in (-1, 1):  # lateral ventricles
        ventricle = (((u - side * 0.045) / 0.035)**2 +
                     ((v + 0.02) / 0.11)**2) <= 1
        img[ventricle] = 40

    # Tumour: a rippled disc inside the brain, enhancing (bright) on T1-CE.
    area = np.exp(rng.uniform(*np.log(TUMOUR_AREA)))
    radius = np.sqrt(area / np.pi)
    ripple = rng.uniform(-1, 1, size=3) * MAX_RIPPLE / 3
    phases = rng.uniform(0, 2 * np.pi, size=3)
    theta, dist = rng.uniform(0, 2 * np.pi), rng.uniform(0, 0.4)
    tu, tv = dist * ax * np.cos(theta), dist * ay * np.sin(theta)
    tx, ty = cx + tu * cos - tv * sin, cy + tu * sin + tv * cos
    angles = np.arctan2(y - ty, x - tx)
    waves = (c * np.cos(k * angles + p)
             for k, c, p in zip((2, 3, 4), ripple, phases))
    outline = radius * (1 + sum(waves))
    mask = np.hypot(x - tx, y - ty) <= outline
    soft = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), size / 400)
    tumour = rng.uniform(180, 215) + 8 * _smooth_noise(rng, size, 16)
    img = img * (1 - soft) + tumour * soft

    bias = 1 + 0.08 * _smooth_noise(rng, size, 3)  # coil inhomogeneity
    noise = rng.normal(0, 4, size=img.shape)
    img = np.abs(img * bias + noise)  # magnitude images: Rician-like floor
    img = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    return img, mask.astype(np.uint8) * 255


def make_brain_tumor(out_dir: str,
                     num: int,
                     seed: int = 0,
                     size: int = 512) -> None:
    """Write ``out_dir/{images,masks}/{1..num}.png`` as in the Kaggle set.

    Images: 8-bit grey, an elliptical head with skull, brain texture and
    noise; masks: 0/255, one tumour blob covering 0.3-5 % of the image,
    brighter than the brain around it. Pair ``i`` depends only on ``seed``,
    ``i`` and ``size``: a larger ``num`` extends a set.

    Args:
        out_dir (str): Folder to write ``images/`` and ``masks/`` into.
        num (int): Number of pairs, >= 1.
        seed (int): Random seed. Defaults to 0.
        size (int): Side of the square slices in pixels, >= 64. Defaults to
            512.
    """
    if num < 1:
        raise ValueError(f'num must be >= 1 pairs, got {num}')
    if size < MIN_SIZE:
        raise ValueError(f'size must be >= {MIN_SIZE} pixels, got {size}')
    img_dir, mask_dir = osp.join(out_dir, 'images'), osp.join(out_dir, 'masks')
    os.makedirs(img_dir, exist_ok=True)
    os.makedirs(mask_dir, exist_ok=True)
    for i in range(1, num + 1):
        img, mask = _make_pair(np.random.default_rng([seed, i]), size)
        for folder, array in ((img_dir, img), (mask_dir, mask)):
            path = osp.join(folder, f'{i}.png')
            if not cv2.imwrite(path, array):
                raise OSError(f'Could not write {path}')
