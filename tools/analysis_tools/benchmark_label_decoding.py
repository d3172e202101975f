"""Benchmark decoding the colour label half of Cityscapes pairs.

Prints, on one CPU core: composites per second for JPEG decode + split +
label decoding (the dataset's path; median of ``--runs`` runs); the
exactness (pixels decoded to their true trainId, over all pixels and away
from edges: where the true map's 3x3 neighbourhood is one class) of the
lookup-table decoder and of plain nearest-palette decoding, on generated
composites and, with ``--gtfine-dir``, on composites built from real
``*_gtFine_labelIds.png`` maps (area and bicubic resizes to 256x256, JPEG
90 and 95; truth: the labelIds resized by ``INTER_NEAREST`` and by the
pixel-centre ``INTER_NEAREST_EXACT``; polegroup left out); with
``--pairs-dir``, the JPEG noise of real colour maps: the labels after one
more compression (``--requality``) against those of the file.

Example::

    python tools/analysis_tools/benchmark_label_decoding.py \\
        --gtfine-dir path/to/cityscapes/gtFine/train/aachen \\
        --pairs-dir data/cityscapes_pairs/val
"""
import argparse
import glob
import os
import os.path as osp
import statistics
import sys
import time
from typing import Dict, List, Sequence

import cv2
import torch
from label_decoding_scores import (QUALITY, Decoder, Sample,
                                   generated_samples, label_half,
                                   nearest_palette_decode,
                                   real_layout_samples, recompression_noise,
                                   score)

from linknet_mm.datasets.cityscapes_color_decoder import \
    CityscapesColorDecoder
from linknet_mm.utils import cpu_summary


def use_one_core() -> None:
    """Pin the process to one CPU; OpenCV and torch single-threaded."""
    if hasattr(os, 'sched_setaffinity'):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    cv2.setNumThreads(1)
    torch.set_num_threads(1)


def composites_per_second(contents: Sequence[bytes], decode: Decoder,
                          runs: int) -> Dict[str, float]:
    """Median composites per second of JPEG decode + split + label decoding
    by wall-clock (``'wall'``) and by this process's CPU time (``'cpu'``,
    not slowed down by other processes), and of label decoding alone by
    wall-clock (``'labels'``), over ``runs`` timed runs."""
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


def print_scores(title: str, samples: Sequence[Sample],
                 decoders: Dict[str, Decoder]) -> None:
    """Print the exactness of each decoder (name -> decoder) on samples."""
    print(title)
    print(f'  {"decoder":<18}{"all pixels":>12}{"away from edges":>18}')
    for name, decode in decoders.items():
        total, away = score(samples, decode)
        print(f'  {name:<18}{total:>11.2f}%{away:>17.2f}%')


def parse_args() -> argparse.Namespace:
    """Parse the command line."""
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
    parser.add_argument(
        '--pairs-dir', help='folder of real *.jpg composites (photo | '
        'colour label) for the JPEG-noise measurement')
    parser.add_argument(
        '--requality', type=int, nargs='+', default=[75, 90],
        help='JPEG qualities of the second compression (default: 75 90)')
    return parser.parse_args()


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
    print(f'CPU: {cpu_summary()}')
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
    if args.pairs_dir:
        print_recompression(args.pairs_dir, args.requality,
                            decoders['lookup table'])


def print_recompression(pairs_dir: str, qualities: list,
                        decode: CityscapesColorDecoder) -> None:
    """Print how far the labels of the composites in ``pairs_dir`` move
    under one more JPEG compression at each of ``qualities``."""
    paths = sorted(glob.glob(osp.join(glob.escape(pairs_dir), '*.jpg')))
    if not paths:
        sys.exit(f'error: --pairs-dir {pairs_dir} has no *.jpg composites')
    print(f'JPEG noise of real colour maps ({len(paths)} composites from '
          f'{pairs_dir}): labels after one more compression against the '
          'labels of the file')
    for quality in qualities:
        same, miou = recompression_noise(paths, decode, quality)
        print(f'  JPEG {quality}: {same:.2f}% of labelled pixels unchanged, '
              f'mIoU {miou:.2f}')


if __name__ == '__main__':
    main()
