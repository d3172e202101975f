"""Benchmark decoding the colour label half of Cityscapes pairs.

Prints, on one CPU core:

* composites per second for JPEG decode + split + label decoding, the path
  ``LoadCityscapesPair`` + ``DecodeCityscapesColors`` take (median of
  ``--runs`` runs over the generated composites);
* exactness (share of pixels decoded to their true trainId, over all pixels
  and away from edges, i.e. where the true map's 3x3 neighbourhood is one
  class) of the lookup-table decoder and of plain nearest-palette decoding,
  on generated composites (true trainIds known: the class covering most of
  each pixel) and, with ``--gtfine-dir``, on composites built from real
  ``*_gtFine_labelIds.png`` maps: coloured, resized to 256x256 with area
  and bicubic interpolation, JPEG quality 90 and 95. Their truth is the
  labelIds resized with nearest neighbour, both OpenCV's ``INTER_NEAREST``
  (samples the top-left of each source block) and the pixel-centre
  ``INTER_NEAREST_EXACT``; polegroup pixels (pole's colour, ignored
  trainId) are left out.

Example::

    python tools/analysis_tools/benchmark_label_decoding.py \\
        --gtfine-dir path/to/cityscapes/gtFine/train/aachen
"""
import argparse
import glob
import os
import os.path as osp
import statistics
import time
from typing import Callable, Dict, List, Sequence, Tuple

import cv2
import numpy as np
import torch

from linknet_mm.analysis.label_decoding import (exactness,
                                               nearest_palette_decode)
from linknet_mm.datasets.cityscapes_color_decoder import \
    CityscapesColorDecoder
from linknet_mm.datasets.cityscapes_labels import label_id_to_train_id
from linknet_mm.synthetic.cityscapes_pairs import (
    QUALITY, encode_jpeg, pair_from_label_ids, render_cityscapes_pair)
from linknet_mm.datasets.transforms.load_cityscapes_pair import \
    decode_composite
from linknet_mm.datasets.transforms.split_image_pair import split_image_pair

POLEGROUP = 18
# (name, OpenCV flag) of the resizes that make real-layout composites, and
# of the nearest-neighbour resizes that make their truth.
INTERPOLATIONS = (('area', cv2.INTER_AREA), ('bicubic', cv2.INTER_CUBIC))
QUALITIES = (90, 95)
TRUTHS = (('INTER_NEAREST', cv2.INTER_NEAREST),
          ('pixel-centre INTER_NEAREST_EXACT', cv2.INTER_NEAREST_EXACT))

Sample = Tuple[bytes, np.ndarray, np.ndarray]  # JPEG, truth, valid mask


def parse_args() -> argparse.Namespace:
    """Parse the command line.

    Returns:
        argparse.Namespace: The arguments.
    """
    parser = argparse.ArgumentParser(
        description='Speed and exactness of Cityscapes colour-label '
        'decoding (one CPU core)')
    parser.add_argument(
        '--num', type=int, default=200, help='generated composites')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    parser.add_argument(
        '--runs', type=int, default=5, help='timed runs (median is shown)')
    parser.add_argument(
        '--gtfine-dir',
        help='folder of *_gtFine_labelIds.png (and, optionally, the '
        'matching *_leftImg8bit.png photos) to build real-layout '
        'composites from')
    return parser.parse_args()


def use_one_core() -> None:
    """Pin the process to one CPU and make OpenCV and torch single-threaded.
    """
    if hasattr(os, 'sched_setaffinity'):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    cv2.setNumThreads(1)
    torch.set_num_threads(1)


def generated_samples(num: int, seed: int) -> List[Sample]:
    """Render and JPEG-compress generated composites.

    Args:
        num (int): How many.
        seed (int): Random seed.

    Returns:
        list[Sample]: JPEG bytes, true trainIds and an all-true mask.
    """
    samples = []
    for i in range(num):
        rng = np.random.default_rng([seed, i])
        composite, truth = render_cityscapes_pair(rng)
        quality = rng.integers(QUALITY[0], QUALITY[1] + 1)
        samples.append(
            (encode_jpeg(composite,
                         quality), truth, np.ones(truth.shape, bool)))
    return samples


def real_layout_samples(
        gtfine_dir: str) -> Dict[Tuple[str, int, str], List[Sample]]:
    """Build JPEG composites from real labelId maps.

    Args:
        gtfine_dir (str): Folder of ``*_gtFine_labelIds.png``.

    Returns:
        dict: Samples per (interpolation, quality, truth) setting.
    """
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
    """JPEG-decode and split a composite as ``LoadCityscapesPair`` does.

    Args:
        content (bytes): The JPEG file.

    Returns:
        np.ndarray: The colour label half (BGR view).
    """
    composite = decode_composite(content, '<benchmark>')
    return split_image_pair(composite, 'left', '<benchmark>')[1]


def composites_per_second(contents: Sequence[bytes],
                          decode: Callable[[np.ndarray], np.ndarray],
                          runs: int) -> Dict[str, float]:
    """Time JPEG decode + split + label decoding.

    Args:
        contents (Sequence[bytes]): The JPEG files.
        decode (Callable): The label decoder.
        runs (int): Timed runs.

    Returns:
        dict[str, float]: Median composites per second of the whole path by
        wall-clock time (``'wall'``) and by this process's CPU time
        (``'cpu'``, not slowed down by other processes on the core), and of
        label decoding alone by wall-clock time (``'labels'``).
    """
    halves = [label_half(content) for content in contents]
    decode(halves[0])  # build the lookup tables outside the timing
    rates: Dict[str, List[float]] = {'wall': [], 'cpu': [], 'labels': []}
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        for content in contents:
            decode(label_half(content))
        rates['wall'].append(len(contents) / (time.perf_counter() - wall))
        rates['cpu'].append(len(contents) / (time.process_time() - cpu))
        wall = time.perf_counter()
        for half in halves:
            decode(half)
        rates['labels'].append(len(halves) / (time.perf_counter() - wall))
    return {name: statistics.median(values) for name, values in rates.items()}


def score(samples: Sequence[Sample],
          decode: Callable[[np.ndarray], np.ndarray]) -> Tuple[float, float]:
    """Pooled exactness of a decoder over samples.

    Args:
        samples (Sequence[Sample]): JPEG files with truth and valid masks.
        decode (Callable): The label decoder.

    Returns:
        tuple[float, float]: Percent correct over all valid pixels and over
        those away from edges.
    """
    totals = np.zeros(4, np.int64)
    for content, truth, valid in samples:
        totals += exactness(decode(label_half(content)), truth, valid)
    return 100 * totals[0] / totals[1], 100 * totals[2] / totals[3]


def print_scores(title: str, samples: Sequence[Sample],
                 decoders: Dict[str, Callable]) -> None:
    """Print the exactness of each decoder.

    Args:
        title (str): Heading.
        samples (Sequence[Sample]): The samples.
        decoders (dict): Name -> decoder.
    """
    print(title)
    print(f'  {"decoder":<18}{"all pixels":>12}{"away from edges":>18}')
    for name, decode in decoders.items():
        total, away = score(samples, decode)
        print(f'  {name:<18}{total:>11.2f}%{away:>17.2f}%')


def main() -> None:
    """Run the benchmark."""
    args = parse_args()
    use_one_core()
    decoders = {
        'lookup table': CityscapesColorDecoder(),
        'nearest palette': nearest_palette_decode
    }
    samples = generated_samples(args.num, args.seed)
    rates = composites_per_second([s[0] for s in samples],
                                  decoders['lookup table'], args.runs)
    print(f'Generated composites: {args.num} (seed {args.seed}, JPEG '
          f'quality {QUALITY[0]}-{QUALITY[1]}), one core')
    print(f'  JPEG decode + split + label decoding: {rates["wall"]:.0f} '
          f'composites/s (median of {args.runs} runs; by CPU time '
          f'{rates["cpu"]:.0f}/s; label decoding alone {rates["labels"]:.0f}'
          '/s)')
    print_scores(
        'Exactness on generated composites (truth: majority class '
        'of each pixel; edges: 3x3)', samples, decoders)
    if args.gtfine_dir:
        settings = real_layout_samples(args.gtfine_dir)
        num_maps = len(next(iter(settings.values())))
        for (interp, quality, truth), group in settings.items():
            print_scores(
                f'Real layouts ({num_maps} maps from {args.gtfine_dir}): '
                f'{interp}, JPEG {quality}, truth {truth}', group, decoders)


if __name__ == '__main__':
    main()
