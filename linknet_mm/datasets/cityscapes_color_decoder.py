"""Decode JPEG-compressed Cityscapes colour label images to trainIds.

The label half of a Kaggle pair is the colour label image resized to
256x256 and saved as JPEG: along every edge colours blend (resize, 4:2:0
chroma, bicubic overshoot), and some blends land on a third palette colour
(black/car edges look like ``trailer``). :class:`CityscapesColorDecoder`
decodes in two vectorised steps:

1. A lookup table over 6-bit colours gives each pixel its nearest palette
   colour and a kind: *confident* (within ``confident_distance`` of it and
   with the same nearest colour over its 3x3 neighbourhood), *direct* (far
   from every colour, but every plausible two-colour blend decides the
   same class), or to *resolve*.
2. A pixel to resolve takes the highest and lowest confident class of the
   smallest neighbourhood of ``radii`` that has any, and is explained as a
   blend of two palette colours (luma and chroma may mix in somewhat
   different proportions; each colour absent from the neighbourhood costs
   ``absent_penalty``); the cheapest explanation's nearer colour wins, read
   from a second table per 5-bit colour cell and pair of classes.

Void colours decode to 255. The tables (4 MB + 15 MB) are built once per
process and setting, on first use (about a second), and cached.
"""
import functools
import itertools
from typing import NamedTuple, Sequence, Tuple

import cv2
import numpy as np

from .cityscapes_labels import color_to_train_id

# Kinds of colours in the main lookup table (its top 3 bits).
CLOSE, DIRECT, RESOLVE = 0, 1, 2
# Unordered pairs of neighbourhood classes (29 classes or none).
PAIRS = 30 * 31 // 2
# Colours per block while building the explanation table.
CHUNK = 4096
# JPEG's (JFIF) RGB -> Y, Cb, Cr matrix (without the 128 offsets).
RGB_TO_YCC = np.array([[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5],
                       [0.5, -0.418688, -0.081312]], np.float32)
CHANNEL_ORDERS = ('bgr', 'rgb')


def palette_colors() -> Tuple[np.ndarray, np.ndarray]:
    """The distinct colours of the label images and their trainIds.

    Returns:
        tuple[np.ndarray, np.ndarray]: float32 RGB colours of shape (29, 3)
        and their uint8 trainIds (255 for the void colours).
    """
    mapping = color_to_train_id()
    colors = np.array(list(mapping), np.float32)
    train_ids = np.array(list(mapping.values()), np.uint8)
    return colors, train_ids


def check_color_image(color: np.ndarray, channel_order: str) -> None:
    """Raise ValueError unless ``color`` is an (H, W, 3) uint8 image.

    Args:
        color (np.ndarray): The colour label image.
        channel_order (str): ``'bgr'`` or ``'rgb'``.
    """
    if channel_order not in CHANNEL_ORDERS:
        raise ValueError(f'channel_order must be one of {CHANNEL_ORDERS}, '
                         f'got {channel_order!r}')
    if color.dtype != np.uint8 or color.ndim != 3 or color.shape[2] != 3:
        raise ValueError('Expected a colour label image of shape (H, W, 3) '
                         f'and dtype uint8, got shape {color.shape} and '
                         f'dtype {color.dtype}')


def _grid(bits: int, channel_order: str) -> np.ndarray:
    """Centres of the cells of a colour grid, as RGB.

    Cell ``i`` holds the colours whose channels, in memory order and
    quantised to ``bits``, are ``(i & m, i >> bits & m, i >> 2 * bits)``
    with ``m = 2**bits - 1``.

    Args:
        bits (int): Bits kept per channel.
        channel_order (str): Memory order of the channels.

    Returns:
        np.ndarray: float32 RGB colours of shape (2**(3 * bits), 3).
    """
    step = 1 << (8 - bits)
    index = np.arange(1 << (3 * bits))
    mask = (1 << bits) - 1
    channels = [(index >> (shift * bits)) & mask for shift in range(3)]
    grid = np.stack(channels, 1).astype(np.float32) * step + (step - 1) / 2
    return grid[:, ::-1] if channel_order == 'bgr' else grid


class _Explainer:
    """Explain colours as blends of two palette colours (see module doc).

    Args:
        colors (np.ndarray): float32 RGB palette of shape (n, 3).
        first (np.ndarray): First palette index of each explanation.
        second (np.ndarray): Second palette index; equal to ``first`` for a
            pure colour.
        chroma_weight (float): Weight of the chroma proportion against the
            luma one when they decide the class, per unit of squared
            colour difference.
        overshoot (float): How far a proportion may leave [0, 1] at no
            cost (bicubic resizing overshoots).
        mix_tolerance (float): How much the luma and chroma proportions may
            differ at no cost; beyond, the difference costs its share of
            the smaller of the two colours' luma and chroma differences.
    """

    def __init__(self, colors: np.ndarray, first: np.ndarray,
                 second: np.ndarray, chroma_weight: float, overshoot: float,
                 mix_tolerance: float) -> None:
        self.colors = colors
        self.first, self.second = first, second
        self.pure = first == second
        ycc = colors @ RGB_TO_YCC.T
        self.start = ycc[first]
        delta = ycc[second] - self.start
        self.delta_y = delta[:, 0]
        self.delta_c = delta[:, 1:]
        luma_weight = self.delta_y**2
        chroma_sq = (self.delta_c**2).sum(1)
        chroma_w = chroma_sq * chroma_weight
        self.luma_share = luma_weight / np.maximum(luma_weight + chroma_w,
                                                   1e-6)
        self.safe_dy = np.where(
            np.abs(self.delta_y) > 1e-3, self.delta_y, 1e-3)
        self.safe_dc = np.maximum(chroma_sq, 1e-3)
        self.overshoot = overshoot
        self.mix_tolerance = mix_tolerance
        self.span = np.minimum(np.abs(self.delta_y), np.sqrt(chroma_sq))

    def __call__(self, rgb: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Fit every explanation to every colour.

        Args:
            rgb (np.ndarray): float32 colours of shape (N, 3).

        Returns:
            tuple[np.ndarray, np.ndarray]: Residuals (N, E) and decided
            palette indices (N, E).
        """
        low, high = -self.overshoot, 1 + self.overshoot
        ycc = rgb @ RGB_TO_YCC.T
        dy = ycc[:, None, 0] - self.start[None, :, 0]
        dcb = ycc[:, None, 1] - self.start[None, :, 1]
        dcr = ycc[:, None, 2] - self.start[None, :, 2]
        alpha = dy / self.safe_dy
        beta = (dcb * self.delta_c[:, 0] +
                dcr * self.delta_c[:, 1]) / self.safe_dc
        fit_b = np.clip(beta, low, high)
        residual = np.hypot(dcb - fit_b * self.delta_c[:, 0],
                            dcr - fit_b * self.delta_c[:, 1])
        residual += np.abs(dy - np.clip(alpha, low, high) * self.delta_y)
        alpha = np.clip(alpha, 0, 1)
        beta = np.clip(beta, 0, 1)
        mismatch = np.maximum(np.abs(alpha - beta) - self.mix_tolerance, 0)
        residual += mismatch * self.span
        share = alpha * self.luma_share + beta * (1 - self.luma_share)
        decision = np.where(share < 0.5, self.first, self.second)
        # A pure colour: plain RGB distance.
        pure = np.flatnonzero(self.pure)
        residual[:, pure] = np.sqrt(
            ((rgb[:, None] - self.colors[self.first[pure]])**2).sum(-1))
        return residual, decision


def _pair_index(high: np.ndarray, low: np.ndarray) -> np.ndarray:
    """Index of an unordered pair of neighbourhood classes.

    Args:
        high (np.ndarray): Higher class + 1 (0: no class), 0-29.
        low (np.ndarray): Lower class + 1 (0: no class), <= ``high``.

    Returns:
        np.ndarray: ``high * (high + 1) / 2 + low``, 0-464.
    """
    high = high.astype(np.intp)
    return high * (high + 1) // 2 + low


class _CellExplanations(NamedTuple):
    """How the blend model explains each colour cell (see
    :func:`_explain_cells`)."""
    residual: np.ndarray  # (explanations, cells) float16
    decision: np.ndarray  # (explanations, cells) uint8
    res_with: np.ndarray  # (num, cells): best residual involving a class
    dec_with: np.ndarray  # (num, cells): its decision
    partner_with: np.ndarray  # (num, cells): its other colour, -1 alone
    res_best: np.ndarray  # (cells, ): best residual of all
    dec_best: np.ndarray  # (cells, ): its decision
    direct: np.ndarray  # (cells, ): decision if neighbourhood-free, or 255


def _explain_cells(explain: _Explainer, cells: np.ndarray, num: int,
                   absent_penalty: float) -> _CellExplanations:
    """Explain every colour cell by every blend, in chunks.

    Args:
        explain (_Explainer): The blend model.
        cells (np.ndarray): float32 RGB centres of the colour cells.
        num (int): Number of palette colours.
        absent_penalty (float): Cost of a blend colour absent from the
            neighbourhood.

    Returns:
        _CellExplanations: Residuals and decisions per explanation, the
        best explanation involving each class and of all, and which cells
        the neighbourhood cannot change.
    """
    first, second = explain.first, explain.second
    involving = [
        np.flatnonzero((first == idx) | (second == idx)) for idx in range(num)
    ]
    size = len(cells)
    # Explanation-major, so that one explanation's values are contiguous.
    out = _CellExplanations(
        np.empty((len(first), size), np.float16),
        np.empty((len(first), size), np.uint8),
        np.empty((num, size), np.float32), np.empty((num, size), np.uint8),
        np.empty((num, size), np.int8), np.empty(size, np.float32),
        np.empty(size, np.uint8), np.empty(size, np.uint8))
    for start in range(0, size, CHUNK):
        block = slice(start, start + CHUNK)
        res, dec = explain(cells[block])
        out.residual[:, block], out.decision[:, block] = res.T, dec.T
        rows = np.arange(len(res))
        for idx, cols in enumerate(involving):
            pick = cols[res[:, cols].argmin(1)]
            out.res_with[idx, block] = res[rows, pick]
            out.dec_with[idx, block] = dec[rows, pick]
            other = first[pick] + second[pick] - idx
            out.partner_with[idx, block] = np.where(other == idx, -1, other)
        pick = res.argmin(1)
        out.res_best[block] = res[rows, pick]
        out.dec_best[block] = dec[rows, pick]
        # If every explanation that could win, whatever the neighbourhood,
        # decides the same, the neighbourhood is not needed.
        near = res <= out.res_best[block, None] + 2 * absent_penalty
        same = np.where(near, dec == out.dec_best[block, None], True).all(1)
        out.direct[block] = np.where(same, out.dec_best[block], 255)
    return out


def _decision_table(explain: _Explainer, cells: np.ndarray, num: int,
                    absent_penalty: float) -> Tuple[np.ndarray, np.ndarray]:
    """Decide every colour cell for every pair of neighbourhood classes.

    With neighbourhood classes {h, l}, an explanation costs its residual
    plus ``absent_penalty`` per colour of it other than h and l; the
    cheapest one decides. The candidates: the pure colours and the blend of
    h and l, the best explanation involving h and that involving l, and
    the best of all.

    Args:
        explain (_Explainer): The blend model.
        cells (np.ndarray): float32 RGB centres of the colour cells.
        num (int): Number of palette colours.
        absent_penalty (float): Cost of a blend colour absent from the
            neighbourhood.

    Returns:
        tuple[np.ndarray, np.ndarray]: uint8 decisions of shape
        (len(cells), PAIRS), indexed by :func:`_pair_index`, and the
        decision of each cell if it does not depend on the neighbourhood
        (255 where it does).
    """
    cell = _explain_cells(explain, cells, num, absent_penalty)
    column = np.empty((num, num), np.intp)  # explanation of a pair
    column[explain.first, explain.second] = np.arange(len(explain.first))
    column[explain.second, explain.first] = np.arange(len(explain.first))
    table = np.empty((len(cells), PAIRS), np.uint8)
    for high in range(num + 1):
        for low in range(high + 1):
            present = sorted({high - 1, low - 1} - {-1})
            cost = cell.res_best + 2 * absent_penalty
            decided = cell.dec_best
            candidates = [(cell.residual[column[a, b]],
                           cell.decision[column[a, b]])
                          for a in present for b in present if a <= b]
            for idx in present:
                partner = cell.partner_with[idx]
                known = (partner == -1) | (partner == high - 1) | (
                    partner == low - 1)
                candidates.append(
                    (cell.res_with[idx] + np.where(known, 0, absent_penalty),
                     cell.dec_with[idx]))
            for cand_cost, cand_decision in candidates:
                better = cand_cost < cost
                cost = np.where(better, cand_cost, cost)
                decided = np.where(better, cand_decision, decided)
            table[:, _pair_index(np.array(high), low)] = decided
    return table, cell.direct


@functools.lru_cache(maxsize=None)
def _build_tables(channel_order: str, confident_distance: float,
                  absent_penalty: float, chroma_weight: float,
                  overshoot: float,
                  mix_tolerance: float) -> Tuple[np.ndarray, np.ndarray]:
    """Build the main lookup table and the decision table.

    Args are those of :class:`CityscapesColorDecoder`.

    Returns:
        tuple[np.ndarray, np.ndarray]: The main table, uint8 indexed by the
        22-bit key ``(packed >> 2) & 0x3F3F3F`` of a pixel (palette index in
        the low 5 bits, kind above), and the decision table, uint8 of shape
        (32768, PAIRS): the palette index of a pixel to resolve, per 5-bit
        colour cell and pair of neighbourhood classes.
    """
    colors, _ = palette_colors()
    num = len(colors)
    pairs = np.array(list(itertools.combinations(range(num), 2)))
    first = np.concatenate([np.arange(num), pairs[:, 0]])
    second = np.concatenate([np.arange(num), pairs[:, 1]])
    explain = _Explainer(colors, first, second, chroma_weight, overshoot,
                         mix_tolerance)
    table, direct = _decision_table(explain, _grid(5, channel_order), num,
                                    absent_penalty)

    grid = _grid(6, channel_order)
    scores = grid @ (-2 * colors.T) + (colors**2).sum(1)
    nearest = scores.argmin(1)
    distance_sq = scores[np.arange(len(grid)), nearest] + (grid**2).sum(1)
    kind = np.where(distance_sq < confident_distance**2, CLOSE, RESOLVE)
    index = np.arange(len(grid))
    q0, q1, q2 = index & 63, index >> 6 & 63, index >> 12
    parent = q0 >> 1 | (q1 >> 1) << 5 | (q2 >> 1) << 10
    use_direct = (kind == RESOLVE) & (direct[parent] != 255)
    label = nearest.astype(np.uint8)
    label[use_direct] = direct[parent[use_direct]]
    kind[use_direct] = DIRECT
    lut = np.zeros(1 << 22, np.uint8)
    lut[q0 | q1 << 8 | q2 << 16] = label | kind.astype(np.uint8) << 5
    return lut, table


class CityscapesColorDecoder:
    """Turn a (JPEG-compressed, resized) Cityscapes colour label image into
    trainIds; see the module docstring for how.

    Args:
        channel_order (str): Channel order of the images to decode,
            ``'bgr'`` (as mmcv and OpenCV load them) or ``'rgb'``.
            Defaults to 'bgr'.
        confident_distance (float): RGB distance to a palette colour below
            which a pixel inside a patch of that colour is confident.
            Defaults to 16.
        absent_penalty (float): Cost of a blend colour absent from the
            confident neighbourhood, in colour distance units. Defaults to
            10.
        radii (Sequence[int]): Radii of the square neighbourhoods searched
            for confident classes, smallest first: a pixel uses the
            smallest one that holds any. Defaults to (1, 4).
        chroma_weight (float): How much the chroma proportion decides a
            blend against the luma one, per squared colour difference; low
            because JPEG blurs chroma. Defaults to 0.1.
        overshoot (float): How far a blend proportion may leave [0, 1] for
            free (bicubic resizing overshoots). Defaults to 0.1.
        mix_tolerance (float): How much the luma and chroma proportions of
            a blend may differ for free. Defaults to 0.4.

    Examples:
        >>> decoder = CityscapesColorDecoder()
        >>> train_ids = decoder(label_half_bgr)  # (H, W) uint8
    """

    def __init__(self,
                 channel_order: str = 'bgr',
                 confident_distance: float = 16.0,
                 absent_penalty: float = 10.0,
                 radii: Sequence[int] = (1, 4),
                 chroma_weight: float = 0.1,
                 overshoot: float = 0.1,
                 mix_tolerance: float = 0.4) -> None:
        if channel_order not in CHANNEL_ORDERS:
            raise ValueError(f'channel_order must be one of '
                             f'{CHANNEL_ORDERS}, got {channel_order!r}')
        if not radii or list(radii) != sorted(set(radii)) or radii[0] < 1:
            raise ValueError('radii must be increasing radii >= 1, got '
                             f'{radii!r}')
        self.channel_order = channel_order
        self._table_args = (channel_order, float(confident_distance),
                            float(absent_penalty), float(chroma_weight),
                            float(overshoot), float(mix_tolerance))
        self._train_ids = palette_colors()[1]
        self._kernel3 = np.ones((3, 3), np.uint8)
        self._kernels = [
            np.ones((2 * radius + 1, 2 * radius + 1), np.uint8)
            for radius in radii
        ]

    def __call__(self, color: np.ndarray) -> np.ndarray:
        """Decode one colour label image.

        Args:
            color (np.ndarray): uint8 image of shape (H, W, 3) in
                ``channel_order``; a view into a larger array is fine.

        Returns:
            np.ndarray: uint8 trainIds of shape (H, W), 255 for void.
        """
        return self.decode(color)[0]

    def decode(self, color: np.ndarray) -> Tuple[np.ndarray, float]:
        """Decode one colour label image and measure its palette fit.

        Args:
            color (np.ndarray): As for :meth:`__call__`.

        Returns:
            tuple[np.ndarray, float]: The trainIds, and the image's
            :meth:`palette_fit`, from the same table lookup.
        """
        key, entry = self._lookup(color)
        _, table = _build_tables(*self._table_args)
        classes = entry & 31
        kind = entry >> 5
        kernel3 = self._kernel3
        uniform = cv2.dilate(classes, kernel3) == cv2.erode(classes, kernel3)
        confident = (kind == CLOSE) & uniform
        todo = np.flatnonzero(~confident & (kind != DIRECT))
        if todo.size:
            self._resolve(classes, confident, key.ravel()[todo], todo, table)
        return np.take(self._train_ids, classes), float(np.mean(kind == CLOSE))

    def palette_fit(self, image: np.ndarray) -> float:
        """How much of an image is painted in the palette's colours.

        The fraction of pixels within ``confident_distance`` of a palette
        colour: most of a colour label image (the inside of its regions)
        and little of a photo.

        Args:
            image (np.ndarray): uint8 image (H, W, 3) in ``channel_order``.

        Returns:
            float: The fraction, in [0, 1].
        """
        return float(np.mean(self._lookup(image)[1] >> 5 == CLOSE))

    def _lookup(self, image: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Main-table key and entry of every pixel.

        Args:
            image (np.ndarray): uint8 image (H, W, 3) in ``channel_order``.

        Returns:
            tuple[np.ndarray, np.ndarray]: The 22-bit keys (uint32) and the
            table entries (uint8: palette index, kind above), (H, W) each.
        """
        check_color_image(image, self.channel_order)
        lut, _ = _build_tables(*self._table_args)
        # One uint32 per pixel, channel 0 in the low byte; then 6 bits of
        # each channel: the key of the main table.
        key = cv2.cvtColor(image, cv2.COLOR_BGR2BGRA).view('<u4')[..., 0]
        np.right_shift(key, 2, out=key)
        np.bitwise_and(key, 0x3F3F3F, out=key)
        return key, np.take(lut, key)

    def _resolve(self, classes: np.ndarray, confident: np.ndarray,
                 key: np.ndarray, todo: np.ndarray, table: np.ndarray) -> None:
        """Decide the uncertain pixels from their confident neighbourhood.

        Args:
            classes (np.ndarray): uint8 palette indices (H, W); the entries
                at ``todo`` are overwritten.
            confident (np.ndarray): bool mask (H, W) of confident pixels.
            key (np.ndarray): Main-table keys of the pixels to decide.
            todo (np.ndarray): Flat indices of the pixels to decide.
            table (np.ndarray): The decision table.
        """
        # Highest and lowest confident class nearby, + 1 (0: none), from
        # the smallest neighbourhood that has one. In uint8, 0 - 1 wraps to
        # 255 (never the minimum when a class is near) and back.
        known = (classes + 1) * confident
        known_or_255 = known - 1
        high = low = 0
        for kernel in self._kernels[::-1]:
            near_high = np.take(cv2.dilate(known, kernel), todo)
            near_low = np.take(cv2.erode(known_or_255, kernel), todo) + 1
            found = near_high > 0
            high = np.where(found, near_high, high)
            low = np.where(found, near_low, low)
        cell = ((key >> 1) & 0x1F) | ((key >> 4) & 0x3E0) | (
            (key >> 7) & 0x7C00)
        flat = cell.astype(np.intp) * PAIRS + _pair_index(high, low)
        classes.ravel()[todo] = np.take(table, flat)
