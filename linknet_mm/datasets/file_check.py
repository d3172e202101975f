"""Check a dataset's folders and files when its split is listed.

A missing folder is a :class:`~linknet_mm.errors.DatasetNotFoundError`
that says where to download the data. A broken file among thousands would
otherwise stop training when the sampler reaches it, possibly an hour in,
or testing after training: Pillow reads each file's header (size, mode)
without decoding it, ``verify()`` reads a PNG's chunks to the end with
their checksums, and a JPEG must end with its end-of-image marker (OpenCV
decodes a truncated JPEG with its missing part grey, with only a warning).
That costs a file read, not a decode: 0.11 s of CPU time for the 2975
training composites of the Cityscapes pairs, 0.4 s for the 3064 pairs of
the brain-tumour set (warm).
"""
from typing import Any, List, NamedTuple, Optional, Sequence, Tuple

import mmengine.fileio as fileio
from PIL import Image, UnidentifiedImageError

from ..errors import DatasetNotFoundError, ImageReadError, InputError, shorten

#: Bytes read from a JPEG's end to find its end-of-image marker (padding
#: with zeros after it is allowed).
JPEG_TAIL = 1024
PNG_START = b'\x89PNG\r\n\x1a\n'
#: Pillow modes without colour.
GREY_MODES = ('1', 'L', 'LA', 'I', 'I;16', 'I;16B', 'F')
SIXTEEN_BIT = ('{} is a 16-bit PNG; the 8-bit loaders keep only its high '
               'byte (an almost black image when the data use 12 bits). '
               'Convert it to 8 bits over the range its values use, e.g. '
               'cv2.normalize(img, None, 0, 255, cv2.NORM_MINMAX, cv2.CV_8U)')


def kaggle_hint(kaggle_set: str, unpack: str) -> str:
    """Where to download a Kaggle data set and how to unpack it.

    Args:
        kaggle_set (str): ``owner/name`` on Kaggle.
        unpack (str): How to unpack it, e.g. 'unzip it so that ...'.

    Returns:
        str: One sentence.
    """
    return (f'Download the Kaggle data set {kaggle_set!r} '
            f'(https://www.kaggle.com/datasets/{kaggle_set}) and {unpack}.')


def list_files(title: str,
               folders: Sequence[Tuple[str, str]],
               suffix: str,
               hint: str,
               data_root: Optional[str] = None,
               backend_args: Optional[dict] = None) -> List[List[str]]:
    """The sorted names of the ``*suffix`` files in each of ``folders``.

    Args:
        title (str): The dataset, as messages name it.
        folders (Sequence[tuple[str, str]]): (what it is, path) pairs, e.g.
            ``('image folder', 'data/x/images')``; not searched recursively.
        suffix (str): E.g. '.png'.
        hint (str): From :func:`kaggle_hint`.
        data_root (str, optional): The dataset's root, checked first.
        backend_args (dict, optional): mmengine file backend arguments.

    Returns:
        list[list[str]]: File names per folder.

    Raises:
        DatasetNotFoundError: If ``data_root`` or a folder does not exist,
            or a folder has no such file.
    """
    if data_root is not None and not fileio.isdir(data_root, backend_args):
        raise DatasetNotFoundError(
            f'{title} data_root {data_root} does not exist. {hint}')
    for what, folder in folders:
        if not fileio.isdir(folder, backend_args):
            raise DatasetNotFoundError(
                f'{title} {what} {folder} does not exist. {hint}')
    listed = []
    for what, folder in folders:
        names = sorted(
            fileio.list_dir_or_file(
                folder, list_dir=False, suffix=suffix,
                backend_args=backend_args))
        if not names:
            raise DatasetNotFoundError(
                f'{title} {what} {folder} has no *{suffix} files. {hint}')
        listed.append(names)
    return listed


class FileInfo(NamedTuple):
    """What Pillow reads of an image file's header.

    Attributes:
        size (tuple[int, int] | None): (width, height), None if unreadable.
        grey (bool): Whether it has no colour channels.
        bits (int): Bits per channel (from a PNG's header; 8 otherwise).
        problem (str): Why it cannot be used, '' if it can.
    """
    size: Optional[Tuple[int, int]] = None
    grey: bool = False
    bits: int = 8
    problem: str = ''


def file_info(path: str, backend_args: Optional[dict] = None) -> FileInfo:
    """Size, colour and bit depth of an image file, or why it is unusable.

    Args:
        path (str): The file.
        backend_args (dict, optional): mmengine file backend arguments.

    Returns:
        FileInfo: Its header, or the problem ('empty', 'not an image',
        'truncated or corrupt (...)', 'a truncated JPEG (no end-of-image
        marker)').
    """
    with fileio.get_local_path(path, backend_args=backend_args) as local:
        with open(local, 'rb') as f:
            head = f.read(25)
            if not head:
                return FileInfo(problem='empty')
            if head.startswith(b'\xff\xd8'):  # a JPEG
                f.seek(max(0, f.seek(0, 2) - JPEG_TAIL))
                if not f.read().rstrip(b'\0').endswith(b'\xff\xd9'):
                    return FileInfo(problem='a truncated JPEG (no '
                                    'end-of-image marker)')
            f.seek(0)
            try:
                with Image.open(f) as image:
                    size, mode = image.size, image.mode
                    image.verify()  # a PNG's chunks to IEND, checksums
            except UnidentifiedImageError:
                return FileInfo(problem='not an image')
            except (OSError, SyntaxError, EOFError, ValueError) as err:
                return FileInfo(problem=f'truncated or corrupt ({err})')
    return FileInfo(size, mode in GREY_MODES, png_bit_depth(head))


def png_bit_depth(head: bytes) -> int:
    """Bits per channel of a PNG (its IHDR), 8 for any other file.

    Args:
        head (bytes): The file's first 25 bytes or more.

    Returns:
        int: The bit depth.
    """
    return head[24] if head.startswith(PNG_START) and len(head) > 24 else 8


def check_8_bit(head: bytes, filename: str) -> None:
    """Refuse a 16-bit PNG, which the 8-bit loaders would darken.

    mmcv and OpenCV keep a 16-bit PNG's high byte: MRI slices that use 12
    of the 16 bits come out almost black (at most 15 of 255).

    Args:
        head (bytes): The file's first 25 bytes or more.
        filename (str): The file, for the message.

    Raises:
        ImageReadError: For a PNG of 16 bits per channel.
    """
    if png_bit_depth(head) == 16:
        raise ImageReadError(SIXTEEN_BIT.format(filename))


def composite_problem(path: str,
                      backend_args: Optional[dict] = None) -> Optional[str]:
    """What makes a file unusable as a photo | colour label composite.

    A colour file whose three channels are equal passes here and is
    refused when split (:class:`~linknet_mm.datasets.transforms.
    SplitImagePair`).

    Args:
        path (str): The file.
        backend_args (dict, optional): mmengine file backend arguments.

    Returns:
        str | None: The problem, or None for a colour image twice as wide
        as high.
    """
    info = file_info(path, backend_args)
    if info.problem:
        return info.problem
    width, height = info.size
    if info.grey:
        return f'grey ({height}x{width} HxW, 1 channel): no colour labels'
    if width != 2 * height:
        return (f'{height}x{width} (HxW), not twice as wide as high (photo '
                'and label side by side)')
    return None


def check_composites(title: str,
                     folder: str,
                     paths: Sequence[str],
                     backend_args: Optional[dict] = None) -> None:
    """Raise one error naming every unusable composite of a split.

    Args:
        title (str): The dataset, as messages name it.
        folder (str): The split folder, for the message.
        paths (Sequence[str]): The composites.
        backend_args (dict, optional): mmengine file backend arguments.

    Raises:
        InputError: If any file is empty, truncated, grey, not an image,
            or not twice as wide as high.
    """
    problems = [(path, composite_problem(path, backend_args))
                for path in paths]
    problems = [f'{path} is {why}' for path, why in problems if why]
    if problems:
        raise InputError(
            f'{title}: {len(problems)} of {len(paths)} composites in '
            f'{folder} cannot be used: {shorten(problems, 5)}; re-download '
            'or remove them (or set check_files=False to find them one by '
            'one during the run)')


def pair_problems(img_path: str,
                  mask_path: str,
                  mask_loader_8_bit: Optional[str] = None,
                  backend_args: Optional[dict] = None) -> List[str]:
    """What makes an image/mask pair unusable, each naming its file.

    Args:
        img_path (str): The image.
        mask_path (str): Its mask.
        mask_loader_8_bit (str, optional): The pipeline's mask loader if it
            casts masks to 8 bits (mmseg's ``LoadAnnotations``): a 16-bit
            mask is then a problem. Defaults to None.
        backend_args (dict, optional): mmengine file backend arguments.

    Returns:
        list[str]: The problems, empty for a usable pair.
    """
    image = file_info(img_path, backend_args)
    mask = file_info(mask_path, backend_args)
    problems = [
        f'{path} is {info.problem}'
        for path, info in ((img_path, image), (mask_path, mask))
        if info.problem
    ]
    if image.bits > 8:
        problems.append(
            f'{img_path} is a {image.bits}-bit PNG, of which the 8-bit '
            'image loaders keep the high byte (convert it to 8 bits over '
            'the range it uses)')
    if mask.bits > 8 and mask_loader_8_bit:
        problems.append(
            f'{mask_path} is a {mask.bits}-bit PNG, which '
            f'{mask_loader_8_bit} casts to 8 bits (256 becomes 0): load '
            'the masks with LoadUnchangedAnnotations')
    if image.size and mask.size and image.size != mask.size:
        problems.append(
            f'{mask_path} is {mask.size[0]}x{mask.size[1]} (WxH), its image '
            f'{image.size[0]}x{image.size[1]}')
    return problems


class NamesBrokenFiles:
    """Dataset mixin: a file that cannot be used is named, not a traceback.

    The split's files are checked when it is listed (``check_files``).
    With ``check_files=False`` each sample's files are checked when it is
    read: an empty, truncated or non-image file, or a 16-bit PNG image
    (see :func:`check_8_bit`), is an
    :class:`~linknet_mm.errors.ImageReadError` naming it. A pipeline error
    on a file that passed is re-checked too, and other errors pass through
    unchanged. Put it before the mmseg dataset class in the bases.
    """

    def prepare_data(self, idx: int) -> Any:
        """Run the pipeline on one sample, naming a file that is broken.

        Args:
            idx (int): Index of the sample.

        Returns:
            Any: What the pipeline returns.
        """
        info = self.get_data_info(idx)
        if not getattr(self, 'check_files', True):
            self._check_sample(info)
        try:
            return super().prepare_data(idx)
        except Exception as err:
            self._check_sample(info, err)
            raise

    def _check_sample(self, info: dict,
                      err: Optional[Exception] = None) -> None:
        """Raise ImageReadError naming the sample's broken files, if any.

        Args:
            info (dict): The sample's data info.
            err (Exception, optional): The pipeline's error, chained.
        """
        paths = dict.fromkeys(info[key] for key in ('img_path', 'seg_map_path')
                              if info.get(key))
        broken = []
        for path in paths:
            found = file_info(path, self.backend_args)
            if found.problem:
                broken.append(f'{path} is {found.problem}')
            elif path == info['img_path'] and found.bits == 16:
                raise ImageReadError(SIXTEEN_BIT.format(path)) from err
        if broken:
            raise ImageReadError('; '.join(broken) + ': re-download or '
                                 'remove it') from err
