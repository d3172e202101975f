"""Segment an image, a folder of images or a video with a trained model.

Writes, under ``--out-dir``:

- ``masks/<name>.png``: class ids (Cityscapes trainIds for the
  Cityscapes-pairs models) as 8-bit PNG, or palette colours with
  ``--palette``;
- ``overlays/<name>.png``: the colours blended over the image;
- for a video ``<stem>.mp4``: the overlay of every frame with the running
  frames per second of the segmentation (pipeline and model, averaged over
  the last 10 frames) drawn on it, and the frames' masks in
  ``masks/<stem>/<frame>.png``.

A folder is searched recursively and its layout kept; unreadable images
are reported, skipped and counted. ``--backend onnxruntime --onnx FILE``
runs a file from ``tools/deployment/pytorch2onnx.py`` instead of the
checkpoint (CHECKPOINT is then not read; pass ``-``).

Example::

    python tools/infer.py configs/linknet_cityscapes.py ckpt.pth photos/ \\
        --out-dir out --palette
"""
import argparse
import logging
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import cv2
import numpy as np
from mmengine.config import DictAction
from mmengine.logging import print_log
from mmengine.utils import ProgressBar

from linknet_mm.apis import (OnnxSegmentor, init_segmentor, list_images,
                             segment)
from linknet_mm.apis.inference import config_test_pipeline
from linknet_mm.apis.pipeline import (IMAGE_SUFFIXES, inference_pipeline,
                                      read_image)
from linknet_mm.visualization.overlay import colorize, draw_fps, overlay
from linknet_mm.models.utils import fuse_conv_bn
from linknet_mm.errors import ImageReadError, InputError, LinkNetError
from linknet_mm.utils import load_tool_config

VIDEO_SUFFIXES = ('.avi', '.m4v', '.mkv', '.mov', '.mp4', '.mpeg', '.mpg',
                  '.webm')
#: Frames the running FPS of a video is averaged over.
FPS_WINDOW = 10


def parse_args() -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description='Segment an image, a folder of images or a video')
    parser.add_argument('config', help='config file of the model')
    parser.add_argument(
        'checkpoint',
        help='checkpoint file (not read with --backend onnxruntime: pass '
        '"-")')
    parser.add_argument('input', help='image file, folder or video file')
    parser.add_argument(
        '--out-dir', required=True, help='folder to write the results to')
    parser.add_argument(
        '--device', default='cpu', help='device, e.g. cpu or cuda:0')
    labels = parser.add_mutually_exclusive_group()
    parser.set_defaults(palette=False)
    labels.add_argument(
        '--trainids',
        dest='palette',
        action='store_false',
        help='write masks as class ids (default)')
    labels.add_argument(
        '--palette',
        dest='palette',
        action='store_true',
        help='write masks in the palette colours')
    parser.add_argument(
        '--backend',
        choices=['pytorch', 'onnxruntime'],
        default='pytorch',
        help='run the checkpoint in PyTorch or an ONNX file in ONNX Runtime')
    parser.add_argument('--onnx', help='ONNX file for --backend onnxruntime')
    parser.add_argument(
        '--opacity',
        type=float,
        default=0.5,
        help='weight of the class colours in the overlays, in [0, 1]')
    parser.add_argument(
        '--batch-size',
        type=int,
        default=1,
        help='images of a folder run together')
    parser.add_argument(
        '--fuse-conv-bn',
        action='store_true',
        help='fold BatchNorm into the convolutions (PyTorch backend; '
        'faster, same results)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value pairs')
    args = parser.parse_args()
    if args.backend == 'onnxruntime' and not args.onnx:
        parser.error('--backend onnxruntime needs --onnx FILE')
    if args.onnx and args.backend != 'onnxruntime':
        parser.error('--onnx needs --backend onnxruntime')
    if not 0 <= args.opacity <= 1:
        parser.error(f'--opacity must be in [0, 1], got {args.opacity}')
    if args.batch_size < 1:
        parser.error(f'--batch-size must be >= 1, got {args.batch_size}')
    return args


def build_model(args: argparse.Namespace) -> Any:
    """The segmentor, or the ONNX file in ONNX Runtime.

    Args:
        args (argparse.Namespace): Parsed arguments.

    Returns:
        A model :func:`linknet_mm.apis.segment` takes.
    """
    # checked --cfg-options; the output folder is the work dir
    cfg = load_tool_config(args.config, args.cfg_options, args.out_dir)
    if args.backend == 'onnxruntime':
        if args.checkpoint != '-':
            print_log(
                f'--backend onnxruntime: the weights come from '
                f'{args.onnx}; {args.checkpoint} is not read',
                logger='current')
        return OnnxSegmentor(args.onnx, cfg, device=args.device)
    model = init_segmentor(cfg, args.checkpoint, args.device)
    if args.fuse_conv_bn:
        fuse_conv_bn(model)
    return model


class Writer:
    """Writes masks and overlays under ``out_dir``.

    Args:
        out_dir (Path): Output folder.
        palette (list): RGB colour per class.
        colour_masks (bool): Write masks in colour instead of class ids.
        opacity (float): Weight of the colours in the overlays.
    """

    def __init__(self, out_dir: Path, palette: list, colour_masks: bool,
                 opacity: float) -> None:
        self.out_dir = out_dir
        self.palette = palette
        self.colour_masks = colour_masks
        self.opacity = opacity

    def write(self,
              name: Path,
              image: np.ndarray,
              label_map: np.ndarray,
              save_overlay: bool = True) -> np.ndarray:
        """Write ``masks/<name>.png`` and ``overlays/<name>.png``.

        Args:
            name (Path): Output name relative to the folders, no suffix.
            image (np.ndarray): The BGR input image.
            label_map (np.ndarray): Its (H, W) class ids.
            save_overlay (bool): Also write the overlay. Defaults to True.

        Returns:
            np.ndarray: The overlay.
        """
        mask = colorize(label_map, self.palette) \
            if self.colour_masks else label_map
        painted = overlay(image, label_map, self.palette, self.opacity)
        self.save(self.out_dir / 'masks' / name, mask)
        if save_overlay:
            self.save(self.out_dir / 'overlays' / name, painted)
        return painted

    @staticmethod
    def save(path: Path, image: np.ndarray) -> None:
        """Write ``image`` to ``path`` + '.png', creating its folder.

        Args:
            path (Path): File name without suffix.
            image (np.ndarray): Image to write.
        """
        path = path.with_name(path.name + '.png')
        path.parent.mkdir(parents=True, exist_ok=True)
        if not cv2.imwrite(str(path), image):
            raise OSError(f'could not write {path}')


def batches(
        paths: List[Path], load_cfg: dict, size: int
) -> Iterator[Tuple[List[Tuple[Path, np.ndarray]], List[Path]]]:
    """Read images in groups of ``size``, setting unreadable ones aside.

    Args:
        paths (list[Path]): Image files.
        load_cfg (dict): The config's image loader settings.
        size (int): Images per group.

    Yields:
        tuple[list, list[Path]]: (path, image) pairs that were read, and
        the paths that could not be.
    """
    for start in range(0, len(paths), size):
        read, failed = [], []
        for path in paths[start:start + size]:
            try:
                read.append((path, read_image(path, load_cfg)))
            except ImageReadError as error:
                print_log(
                    f'skipping {path}: {error}',
                    logger='current',
                    level=logging.WARNING)
                failed.append(path)
        yield read, failed


def run_images(model: Any, paths: List[Path], root: Path, writer: Writer,
               batch_size: int) -> None:
    """Segment image files and write their results.

    Args:
        model: The model.
        paths (list[Path]): Image files.
        root (Path): Folder the output names are relative to.
        writer (Writer): Writes the results.
        batch_size (int): Images run together.
    """
    load_cfg, _ = inference_pipeline(config_test_pipeline(model.cfg))
    progress = ProgressBar(len(paths)) if len(paths) > 1 else None
    done, skipped = 0, []
    start = time.perf_counter()
    for read, failed in batches(paths, load_cfg, batch_size):
        skipped += failed
        images = [image for _, image in read]
        maps = segment(model, images, batch_size) if images else []
        for (path, image), label_map in zip(read, maps):
            writer.write(
                path.relative_to(root).with_suffix(''), image, label_map)
        done += len(read)
        for _ in range(len(read) + len(failed)):
            if progress is not None:
                progress.update()
    seconds = time.perf_counter() - start
    print_log(
        f'\nsegmented {done} image(s) in {seconds:.1f} s '
        f'({done / max(seconds, 1e-9):.2f} images/s); results in '
        f'{writer.out_dir}/masks and {writer.out_dir}/overlays',
        logger='current')
    if skipped:
        print_log(
            f'{len(skipped)} unreadable image(s) skipped: '
            f'{[str(p) for p in skipped]}',
            logger='current',
            level=logging.WARNING)


def run_video(model: Any, path: Path, writer: Writer) -> None:
    """Segment every frame of a video and write an annotated video.

    Args:
        model: The model.
        path (Path): Video file.
        writer (Writer): Writes the per-frame masks; the video goes to
            ``<out_dir>/<stem>.mp4``.
    """
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise InputError(f'cannot open video {path}: missing, damaged, or '
                         'a codec OpenCV cannot decode')
    fps_in = capture.get(cv2.CAP_PROP_FPS) or 25.0
    total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    progress = ProgressBar(total) if total > 0 else None
    out_file = writer.out_dir / f'{path.stem}.mp4'
    out_file.parent.mkdir(parents=True, exist_ok=True)
    video = None
    times = deque(maxlen=FPS_WINDOW)
    frames = 0
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            tick = time.perf_counter()
            label_map = segment(model, frame)[0]
            times.append(time.perf_counter() - tick)
            painted = writer.write(
                Path(path.stem) / f'{frames:06d}',
                frame,
                label_map,
                save_overlay=False)
            draw_fps(painted, len(times) / sum(times))
            if video is None:
                video = cv2.VideoWriter(
                    str(out_file), cv2.VideoWriter_fourcc(*'mp4v'), fps_in,
                    (painted.shape[1], painted.shape[0]))
                if not video.isOpened():
                    raise OSError(f'could not write video {out_file}')
            video.write(painted)
            frames += 1
            if progress is not None and frames <= total:
                progress.update()
    finally:
        capture.release()
        if video is not None:
            video.release()
    if frames == 0:
        raise InputError(f'video {path} has no readable frames')
    print_log(
        f'\nsegmented {frames} frame(s) of {path}; annotated video: '
        f'{out_file}, masks in {writer.out_dir}/masks/{path.stem}',
        logger='current')


def check_unique_names(paths: List[Path], root: Path) -> None:
    """Raise if two images would write the same ``<name>.png``.

    Args:
        paths (list[Path]): Image files.
        root (Path): Folder the output names are relative to.
    """
    seen = {}
    for path in paths:
        name = path.relative_to(root).with_suffix('')
        if name in seen:
            raise InputError(f'{seen[name]} and {path} would both be written '
                             f'as {name}.png; rename one of them')
        seen[name] = path


def main() -> None:
    """Parse the arguments and segment the input."""
    args = parse_args()
    source = Path(args.input)
    if not source.exists():
        raise InputError(f'input {source} not found')
    suffix = source.suffix.lower()
    if source.is_file() and suffix not in IMAGE_SUFFIXES + VIDEO_SUFFIXES:
        raise InputError(f'input {source}: expected a folder, an image '
                         f'({", ".join(IMAGE_SUFFIXES)}) or a video '
                         f'({", ".join(VIDEO_SUFFIXES)})')
    model = build_model(args)
    writer = Writer(
        Path(args.out_dir), model.dataset_meta['palette'], args.palette,
        args.opacity)
    if source.is_dir():
        paths = list_images(source)
        if not paths:
            raise InputError(f'no images ({", ".join(IMAGE_SUFFIXES)}) '
                             f'under {source}')
        check_unique_names(paths, source)
        run_images(model, paths, source, writer, args.batch_size)
    elif suffix in VIDEO_SUFFIXES:
        run_video(model, source, writer)
    else:
        run_images(model, [source], source.parent, writer, 1)


if __name__ == '__main__':
    try:
        main()
    except (LinkNetError, FileNotFoundError) as error:
        sys.exit(f'error: {error}')
