"""Inputs for inference tests (a folder of photos, a short video) and the
checks of what inference writes; shared by the API and the tool tests."""
from pathlib import Path

import cv2
import numpy as np

#: Photos of a folder, by path under it, and their (H, W).
PHOTO_SIZES = {
    'a.png': (67, 93),
    'sub/b.jpg': (120, 160),
    'sub/deeper/c.png': (40, 40)
}
#: Frames and (H, W) of the video from :func:`write_clip`.
CLIP_FRAMES, CLIP_SIZE = 4, (64, 96)


def write_photo_folder(root: Path) -> Path:
    """Random photos at :data:`PHOTO_SIZES`, and ``sub/broken.png``.

    Args:
        root (Path): Folder to write.

    Returns:
        Path: ``root``.
    """
    rng = np.random.default_rng(0)
    for name, (h, w) in PHOTO_SIZES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(
            str(root / name), rng.integers(0, 256, (h, w, 3), np.uint8))
    (root / 'sub' / 'broken.png').write_bytes(b'not an image')
    return root


def write_clip(path: Path) -> Path:
    """A video of :data:`CLIP_FRAMES` random frames of :data:`CLIP_SIZE`.

    Args:
        path (Path): The .mp4 file.

    Returns:
        Path: ``path``.
    """
    h, w = CLIP_SIZE
    writer = cv2.VideoWriter(
        str(path), cv2.VideoWriter_fourcc(*'mp4v'), 10, (w, h))
    rng = np.random.default_rng(0)
    for _ in range(CLIP_FRAMES):
        writer.write(rng.integers(0, 256, (h, w, 3), np.uint8))
    writer.release()
    return path


def check_folder_results(out: Path) -> None:
    """Assert a class-id mask and an overlay per photo, at its size.

    Args:
        out (Path): The output folder of the run.
    """
    for name, hw in PHOTO_SIZES.items():
        stem = name.rsplit('.', 1)[0]
        mask = cv2.imread(
            str(out / 'masks' / f'{stem}.png'), cv2.IMREAD_UNCHANGED)
        assert mask.shape == hw and mask.dtype == np.uint8
        assert mask.max() < 19
        painted = cv2.imread(str(out / 'overlays' / f'{stem}.png'))
        assert painted.shape == hw + (3, )


def check_clip_results(out: Path, stem: str = 'clip') -> None:
    """Assert the annotated video and one mask per frame.

    Args:
        out (Path): The output folder of the run.
        stem (str): The input video's name without suffix.
    """
    capture = cv2.VideoCapture(str(out / f'{stem}.mp4'))
    assert capture.isOpened()
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == CLIP_FRAMES
    ok, frame = capture.read()
    assert ok and frame.shape == CLIP_SIZE + (3, )
    assert len(list((out / 'masks' / stem).glob('*.png'))) == CLIP_FRAMES
