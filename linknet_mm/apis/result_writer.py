"""Segment files and videos with an inferencer and write the results.

Under the output folder: ``masks/<name>.png`` (class ids, or palette
colours), ``overlays/<name>.png`` (the colours blended over the image),
and for a video ``<stem>.mp4`` with the running frames per second drawn on
each frame and its masks in ``masks/<stem>/<frame>.png``.
"""
import logging
import time
from collections import deque
from pathlib import Path
from typing import List, Sequence

import cv2
import numpy as np
from mmengine.logging import print_log
from mmengine.utils import ProgressBar

from ..errors import ImageReadError, InputError, shorten
from ..visualization.overlay import colorize, draw_fps, overlay
from .image_io import IMAGE_SUFFIXES, header_problem, list_images, read_image
from .inference import label_map
from .inferencer import LinkNetInferencer

VIDEO_SUFFIXES = ('.avi', '.m4v', '.mkv', '.mov', '.mp4', '.mpeg', '.mpg',
                  '.webm')
#: Frames the running FPS of a video is averaged over.
FPS_WINDOW = 10


class ResultWriter:
    """Writes masks and overlays under ``out_dir``.

    Args:
        out_dir (str | Path): Output folder.
        palette (Sequence): RGB colour per class.
        colour_masks (bool): Write masks in colour instead of class ids.
        opacity (float): Weight of the colours in the overlays.
    """

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
        """Write ``masks/<name>.png`` and ``overlays/<name>.png``.

        Args:
            name (Path): Output name relative to the folders, no suffix.
            image (np.ndarray): The BGR input image.
            labels (np.ndarray): Its (H, W) class ids.
            save_overlay (bool): Also write the overlay. Defaults to True.

        Returns:
            np.ndarray: The overlay.
        """
        mask = colorize(labels, self.palette) if self.colour_masks else labels
        painted = overlay(image, labels, self.palette, self.opacity)
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


def check_unique_names(paths: Sequence[Path], root: Path) -> None:
    """Raise if two images would write the same ``<name>.png``.

    Args:
        paths (Sequence[Path]): Image files.
        root (Path): Folder the output names are relative to.
    """
    seen = {}
    for path in paths:
        name = path.relative_to(root).with_suffix('')
        if name in seen:
            raise InputError(f'{seen[name]} and {path} would both be written '
                             f'as {name}.png; rename one of them')
        seen[name] = path


def segment_files(inferencer: LinkNetInferencer, paths: Sequence[Path],
                  root: Path, writer: ResultWriter,
                  batch_size: int) -> List[Path]:
    """Segment image files, ``batch_size`` at a time, and write results.

    Output names are the paths relative to ``root``, without suffix.
    Unreadable files are reported, skipped and returned.

    Args:
        inferencer (LinkNetInferencer): The model and its pipeline.
        paths (Sequence[Path]): Image files.
        root (Path): Folder the output names are relative to.
        writer (ResultWriter): Writes the results.
        batch_size (int): Images run together.

    Returns:
        list[Path]: The files that could not be read.

    Raises:
        InputError: Not one of the files could be read.
    """
    check_unique_names(paths, root)
    progress = ProgressBar(len(paths)) if len(paths) > 1 else None
    skipped: List[Path] = []
    errors: List[str] = []
    start = time.perf_counter()
    for first in range(0, len(paths), batch_size):
        batch = []
        for path in paths[first:first + batch_size]:
            try:
                image = read_image(path, inferencer.load_cfg)
            except ImageReadError as error:
                print_log(f'skipping {path}: {error}', 'current',
                          logging.WARNING)
                skipped.append(path)
                errors.append(str(error))
                continue
            batch.append(dict(img=image, img_path=str(path)))
        samples = inferencer.predict(batch, batch_size) if batch else []
        for item, sample in zip(batch, samples):
            name = Path(item['img_path']).relative_to(root).with_suffix('')
            writer.write(name, item['img'], label_map(sample))
        if progress is not None:
            for _ in paths[first:first + batch_size]:
                progress.update()
    done = len(paths) - len(skipped)
    if not done:
        raise InputError(f'none of the {len(paths)} image(s) could be read, '
                         f'nothing was segmented: {shorten(errors)}')
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
    return skipped


def segment_video(inferencer: LinkNetInferencer, path: Path,
                  writer: ResultWriter) -> str:
    """Segment every frame of a video and write an annotated video.

    Each frame shows the running FPS of pipeline and model (over the last
    :data:`FPS_WINDOW` frames). The run ends with one summary line: frames,
    wall time, FPS, and milliseconds per frame of the model alone.

    Args:
        inferencer (LinkNetInferencer): The model and its pipeline.
        path (Path): Video file.
        writer (ResultWriter): Writes the per-frame masks; the video goes
            to ``<out_dir>/<stem>.mp4``.

    Returns:
        str: The summary line.
    """
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise InputError(f'cannot open video {path}: missing, damaged, or '
                         'a codec OpenCV cannot decode')
    out_file = writer.out_dir / f'{path.stem}.mp4'
    out_file.parent.mkdir(parents=True, exist_ok=True)
    fps_in = capture.get(cv2.CAP_PROP_FPS) or 25.0
    video, recent, model_seconds = None, deque(maxlen=FPS_WINDOW), []
    start = time.perf_counter()
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                break
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
                video = _open_video(out_file, fps_in, painted.shape)
            video.write(painted)
    finally:
        capture.release()
        if video is not None:
            video.release()
    return _report_video(path, out_file, model_seconds,
                         time.perf_counter() - start)


def _open_video(out_file: Path, fps: float, shape: tuple) -> cv2.VideoWriter:
    """An mp4 writer for frames of ``shape``.

    Args:
        out_file (Path): The video file.
        fps (float): Its frame rate.
        shape (tuple): (H, W, 3) of the frames.

    Returns:
        cv2.VideoWriter: The open writer.
    """
    video = cv2.VideoWriter(
        str(out_file), cv2.VideoWriter_fourcc(*'mp4v'), fps,
        (shape[1], shape[0]))
    if not video.isOpened():
        raise OSError(f'could not write video {out_file}')
    return video


def _report_video(path: Path, out_file: Path, model_seconds: List[float],
                  wall: float) -> str:
    """Print and return the summary line of a video run.

    Args:
        path (Path): The input video.
        out_file (Path): The annotated video.
        model_seconds (list[float]): Model time of each frame.
        wall (float): Wall time of the whole run, in seconds.

    Returns:
        str: The line.
    """
    frames = len(model_seconds)
    if frames == 0:
        raise InputError(f'video {path} has no readable frames')
    line = (f'segmented {frames} frame(s) of {path} in {wall:.1f} s '
            f'({frames / wall:.1f} FPS with reading and writing; model alone '
            f'{1000 * sum(model_seconds) / frames:.1f} ms per frame); '
            f'annotated video: {out_file}, masks in '
            f'{out_file.parent}/masks/{path.stem}')
    print_log(line, 'current')
    return line


def input_kind(source: Path) -> str:
    """What an input path is: 'folder', 'video' or 'image'.

    Args:
        source (Path): The input.

    Returns:
        str: Its kind; anything else is an :class:`InputError`.
    """
    suffix = source.suffix.lower()
    if not source.exists():
        raise InputError(f'input {source} not found')
    if source.is_dir():
        return 'folder'
    if suffix in VIDEO_SUFFIXES:
        return 'video'
    if suffix in IMAGE_SUFFIXES:
        return 'image'
    raise InputError(f'input {source}: expected a folder, an image '
                     f'({", ".join(IMAGE_SUFFIXES)}) or a video '
                     f'({", ".join(VIDEO_SUFFIXES)})')


def check_input(source: Path) -> str:
    """Refuse an input that cannot give one prediction, before any model.

    A lone image must pass :func:`~.image_io.header_problem`; a folder
    must hold at least one image that does (the others are skipped later,
    with a warning); a video must open.

    Args:
        source (Path): Image file, folder or video file.

    Returns:
        str: Its kind (:func:`input_kind`).

    Raises:
        InputError: For a folder without an image whose header is
            readable, or a video that does not open.
        ImageReadError: For a lone image that is not readable.
    """
    kind = input_kind(source)
    if kind == 'image':
        problem = header_problem(source)
        if problem:
            raise ImageReadError(f'input {problem}')
    elif kind == 'folder':
        paths = list_images(source)
        if not paths:
            raise InputError(f'no images ({", ".join(IMAGE_SUFFIXES)}) '
                             f'under {source}')
        problems = [header_problem(path) for path in paths]
        if all(problems):
            raise InputError(f'none of the {len(paths)} image(s) under '
                             f'{source} is readable: {shorten(problems)}')
    else:
        capture = cv2.VideoCapture(str(source))
        opened = capture.isOpened()
        capture.release()
        if not opened:
            raise InputError(f'cannot open video {source}: missing, '
                             'damaged, or a codec OpenCV cannot decode')
    return kind


def segment_path(inferencer: LinkNetInferencer,
                 source: Path,
                 writer: ResultWriter,
                 batch_size: int = 1) -> List[Path]:
    """Segment an image file, a folder of images (recursively) or a video.

    A folder's layout is kept in the output names.

    Args:
        inferencer (LinkNetInferencer): The model and its pipeline.
        source (Path): Image file, folder or video file.
        writer (ResultWriter): Writes the results.
        batch_size (int): Images of a folder run together. Defaults to 1.

    Returns:
        list[Path]: Image files that could not be read (none for a video).

    Raises:
        InputError: Nothing could be segmented (see :func:`check_input`,
            which a tool calls before it builds the model).
    """
    kind = check_input(source)
    if kind == 'video':
        segment_video(inferencer, source, writer)
        return []
    if kind == 'image':
        return segment_files(inferencer, [source], source.parent, writer, 1)
    return segment_files(inferencer, list_images(source), source, writer,
                         batch_size)
