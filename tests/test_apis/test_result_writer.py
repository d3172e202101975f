"""Writing masks, overlays and annotated videos from an inferencer."""
import cv2
import numpy as np
import pytest

from conftest import TINY
from inference_inputs import (check_clip_results, check_folder_results,
                              write_clip, write_photo_folder)
from linknet_mm.apis import (LinkNetInferencer, ResultWriter, segment_path,
                             segment_video)
from linknet_mm.apis.image_io import (check_input, check_unique_names,
                                      input_kind)
from linknet_mm.datasets import CityscapesPairsDataset
from linknet_mm.errors import InputError

PALETTE = CityscapesPairsDataset.METAINFO['palette']


@pytest.fixture(scope='module')
def inferencer(tiny_checkpoint):
    return LinkNetInferencer(TINY, str(tiny_checkpoint))


@pytest.fixture
def folder(tmp_path):
    return write_photo_folder(tmp_path / 'photos')


def test_folder_keeps_its_layout_and_skips_unreadable(inferencer, folder,
                                                      tmp_path):
    writer = ResultWriter(tmp_path / 'out', PALETTE, False, 0.5)
    skipped = segment_path(inferencer, folder, writer, batch_size=2)
    assert skipped == [folder / 'sub' / 'broken.png']
    check_folder_results(tmp_path / 'out')


def test_colour_masks_use_the_palette(inferencer, folder, tmp_path):
    writer = ResultWriter(tmp_path / 'out', PALETTE, True, 0.5)
    segment_path(inferencer, folder / 'a.png', writer)
    mask = cv2.imread(str(tmp_path / 'out' / 'masks' / 'a.png'))
    assert mask.shape == (67, 93, 3)
    # palette colours, BGR on disk
    assert {tuple(p)
            for p in mask.reshape(-1, 3)} <= {tuple(c[::-1])
                                              for c in PALETTE}


def test_video_frames_masks_and_summary(inferencer, tmp_path):
    video = write_clip(tmp_path / 'clip.mp4')
    out = tmp_path / 'out'
    line = segment_video(inferencer, video,
                         ResultWriter(out, PALETTE, False, 0.5))
    check_clip_results(out)
    assert line.startswith(f'segmented 4 frame(s) of {video} in ')
    assert 'FPS' in line and 'ms per frame' in line


def test_unreadable_video_is_named(inferencer, tmp_path):
    bad = tmp_path / 'broken.mp4'
    bad.write_bytes(b'not a video')
    with pytest.raises(InputError, match='cannot open video .*broken.mp4'):
        segment_video(inferencer, bad,
                      ResultWriter(tmp_path, PALETTE, False, 0.5))


def test_two_files_of_one_name_are_refused(tmp_path):
    paths = [tmp_path / 'x.png', tmp_path / 'x.jpg']
    with pytest.raises(InputError, match='x.png and .*x.jpg'):
        check_unique_names(paths, tmp_path)


def test_input_kind(tmp_path):
    (tmp_path / 'a.PNG').write_bytes(b'')
    (tmp_path / 'b.mov').write_bytes(b'')
    (tmp_path / 'c.txt').write_bytes(b'')
    assert input_kind(tmp_path) == 'folder'
    assert input_kind(tmp_path / 'a.PNG') == 'image'
    assert input_kind(tmp_path / 'b.mov') == 'video'
    with pytest.raises(InputError, match='c.txt: expected a folder'):
        input_kind(tmp_path / 'c.txt')
    with pytest.raises(InputError, match='not found'):
        input_kind(tmp_path / 'missing.png')


def test_opacity_out_of_range_is_refused(tmp_path):
    with pytest.raises(ValueError, match='opacity'):
        ResultWriter(tmp_path, PALETTE, False, 1.5)


def _png_16_bit(path):
    cv2.imwrite(str(path), np.full((16, 16), 4000, np.uint16))
    return path


def test_a_folder_of_unreadable_files_is_refused_before_a_model(tmp_path):
    folder = tmp_path / 'photos'
    folder.mkdir()
    (folder / 'a.png').write_text('not an image')
    (folder / 'b.jpg').write_bytes(b'')
    _png_16_bit(folder / 'c.png')
    with pytest.raises(InputError) as error:
        check_input(folder)
    message = str(error.value)
    assert message.startswith(f'none of the 3 image(s) under {folder} is '
                              'readable')
    assert 'a.png is not an image format' in message
    assert 'b.jpg is empty' in message and 'c.png is a 16-bit PNG' in message


def test_nothing_segmented_is_an_error(inferencer, tmp_path):
    folder = tmp_path / 'photos'
    folder.mkdir()
    good = np.zeros((8, 8, 3), np.uint8)
    content = cv2.imencode('.png', good)[1].tobytes()
    (folder / 'cut.png').write_bytes(content[:40])  # a header, no pixels
    writer = ResultWriter(tmp_path / 'out', PALETTE, False, 0.5)
    with pytest.raises(
            InputError, match='none of the 1 image.*nothing was segmented'):
        segment_path(inferencer, folder, writer)
    assert not (tmp_path / 'out').exists()
