"""Segment files and videos and write ``masks/<name>.png`` (class ids or
colours), ``overlays/<name>.png``, and a video's ``<stem>.mp4`` (running
FPS drawn) with its masks in ``masks/<stem>/<frame>.png``."""
import logging
import time
from collections import deque
from pathlib import Path
from typing import Dict, List, Sequence

import cv2
import mmcv
import numpy as np
from mmengine.logging import print_log
from mmengine.utils import ProgressBar

from ..errors import ImageReadError, InputError, shorten
from ..visualization.overlay import colorize, draw_fps, overlay
from .image_io import (check_input, check_unique_names, list_images,
                       open_video, read_image)
from .inference import label_map
from .inferencer import LinkNetInferencer

#: Frames the running FPS of a video is averaged over.
FPS_WINDOW = 10


class ResultWriter:
    """Writes masks (class ids, or ``palette`` colours with
    ``colour_masks``) and overlays (colours of weight ``opacity`` in [0, 1])
    under ``out_dir``."""

    def __init__(self, out_dir: Path, palette: Sequence, colour_masks: bool,
                 opacity: float) -> None:
        if not 0 <= opacity <= 1:
            raise ValueError(f'opacity must be in [0, 1], got {opacity}')
        self.out_dir = Path(out_dir)
        self.palette = palette
        self.colour_masks = colour_masks
        self.opacity = opacity

    def write(self,
              name: Path,
              image: np.ndarray,
              labels: np.ndarray,
              save_overlay: bool = True) -> np.ndarray:
        """Write ``masks/<name>.png`` (and ``overlays/<name>.png``) of a BGR
        image's (H, W) class ids ``labels``; return the overlay."""
        mask = colorize(labels, self.palette) if self.colour_masks else labels
        painted = overlay(image, labels, self.palette, self.opacity)
        self.save(self.out_dir / 'masks' / name, mask)
        if save_overlay:
            self.save(self.out_dir / 'overlays' / name, painted)
        return painted

    @staticmethod
    def save(path: Path, image: np.ndarray) -> None:
        """Write ``image`` to ``path`` + '.png', creating its folder."""
        path = path.with_name(path.name + '.png')
        if not mmcv.imwrite(image, str(path)):
            raise OSError(f'could not write {path}')


def _read_batch(paths: Sequence[Path], load_cfg: dict,
                skipped: Dict[Path, str]) -> List[dict]:
    """The readable images of ``paths``; each unreadable one is logged and
    its error kept in ``skipped``."""
    batch = []
    for path in paths:
        try:
            batch.append(
                dict(img=read_image(path, load_cfg), img_path=str(path)))
        except ImageReadError as error:
            print_log(f'skipping {path}: {error}', 'current', logging.WARNING)
            skipped[path] = str(error)
    return batch


def segment_files(inferencer: LinkNetInferencer, paths: Sequence[Path],
                  root: Path, writer: ResultWriter,
                  batch_size: int) -> List[Path]:
    """Segment image files, ``batch_size`` at a time, and write results
    named by their paths relative to ``root``, without suffix.

    Returns:
        list[Path]: The unreadable files, reported and skipped; none read
        is an InputError.
    """
    check_unique_names(paths, root)
    progress = ProgressBar(len(paths)) if len(paths) > 1 else None
    done, skipped = 0, {}
    start = time.perf_counter()
    for first in range(0, len(paths), batch_size):
        batch = _read_batch(paths[first:first + batch_size],
                            inferencer.load_cfg, skipped)
        samples = inferencer.predict(batch, batch_size) if batch else []
        for item, sample in zip(batch, samples):
            name = Path(item['img_path']).relative_to(root).with_suffix('')
            writer.write(name, item['img'], label_map(sample))
            done += 1
        if progress is not None:
            for _ in paths[first:first + batch_size]:
                progress.update()
    if not done:
        raise InputError(f'none of the {len(paths)} image(s) could be read, '
                         f'nothing was segmented: '
                         f'{shorten(list(skipped.values()))}')
    seconds = time.perf_counter() - start
    after_bar = '' if progress is None else '\n'
    print_log(
        f'{after_bar}segmented {done} image(s) in {seconds:.1f} s '
        f'({done / max(seconds, 1e-9):.2f} images/s); results in '
        f'{writer.out_dir}/masks and {writer.out_dir}/overlays', 'current')
    if skipped:
        print_log(
            f'{len(skipped)} unreadable image(s) skipped: '
            f'{shorten([str(p) for p in skipped])}', 'current',
            logging.WARNING)
    return list(skipped)


def segment_video(inferencer: LinkNetInferencer, path: Path,
                  writer: ResultWriter) -> str:
    """Segment every frame of a video into ``masks/<stem>/`` and
    ``<out_dir>/<stem>.mp4``, each frame with the running FPS (of the last
    :data:`FPS_WINDOW`) drawn; return the summary line (frames, wall time,
    FPS, model ms per frame)."""
    capture = open_video(path)
    out_file = writer.out_dir / f'{path.stem}.mp4'
    out_file.parent.mkdir(parents=True, exist_ok=True)
    fps_in = capture.get(cv2.CAP_PROP_FPS) or 25.0
    video, recent, model_seconds = None, deque(maxlen=FPS_WINDOW), []
    start = time.perf_counter()
    try:
        ok, frame = capture.read()
        while ok:
            tick = time.perf_counter()
            data = next(inferencer.preprocess([frame]))
            model_start = time.perf_counter()
            sample = inferencer.forward(data)[0]
            model_seconds.append(time.perf_counter() - model_start)
            recent.append(time.perf_counter() - tick)
            painted = writer.write(
                Path(path.stem) / f'{len(model_seconds) - 1:06d}',
                frame,
                label_map(sample),
                save_overlay=False)
            draw_fps(painted, len(recent) / sum(recent))
            if video is None:
                video = cv2.VideoWriter(
                    str(out_file), cv2.VideoWriter_fourcc(*'mp4v'), fps_in,
                    painted.shape[1::-1])
                if not video.isOpened():
                    raise OSError(f'could not write video {out_file}')
            video.write(painted)
            ok, frame = capture.read()
    finally:
        capture.release()
        if video is not None:
            video.release()
    wall, frames = time.perf_counter() - start, len(model_seconds)
    if frames == 0:
        raise InputError(f'video {path} has no readable frames')
    line = (f'segmented {frames} frame(s) of {path} in {wall:.1f} s '
            f'({frames / wall:.1f} FPS with reading and writing; model alone '
            f'{1000 * sum(model_seconds) / frames:.1f} ms per frame); '
            f'annotated video: {out_file}, masks in '
            f'{out_file.parent}/masks/{path.stem}')
    print_log(line, 'current')
    return line


def segment_path(inferencer: LinkNetInferencer,
                 source: Path,
                 writer: ResultWriter,
                 batch_size: int = 1) -> List[Path]:
    """Segment an image file, a folder of images (recursively, its layout
    kept in the output names; ``batch_size`` at a time) or a video.

    Returns:
        list[Path]: Image files that could not be read (none for a video).
    """
    kind = check_input(source)
    if kind == 'video':
        segment_video(inferencer, source, writer)
        return []
    if kind == 'image':
        return segment_files(inferencer, [source], source.parent, writer, 1)
    return segment_files(inferencer, list_images(source), source, writer,
                         batch_size)
