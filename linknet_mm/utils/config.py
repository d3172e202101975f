"""Config handling shared by the command-line tools."""
import copy
import difflib
import os
import os.path as osp
from pathlib import Path
from typing import List, Optional, Union

from mmengine.config import Config

from ..errors import ConfigError

#: What the Python API takes as a config: a file path or a Config.
ConfigInput = Union[str, Path, Config]

# runtime keys that the tools and the Runner read but configs need not set
RUNTIME_KEYS = frozenset({
    'work_dir', 'load_from', 'resume', 'launcher', 'randomness', 'cfg',
    'experiment_name', 'auto_scale_lr', 'find_unused_parameters', 'sync_bn',
    'model_wrapper_cfg', 'data_root', 'compile'
})
DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')

#: Where an installed linknet_mm keeps its configs (as mmseg's ``.mim``).
PACKAGED_CONFIGS = Path(__file__).resolve().parents[1] / '.mim' / 'configs'


def find_config(path: str) -> Path:
    """A config file, or the config of that name shipped with linknet_mm.

    ``configs/linknet_cityscapes.py`` as a path; a path that is not a file
    is looked up in the installed package's configs, with or without its
    ``configs/`` prefix (``linknet_cityscapes.py``,
    ``linknet/linknet_r18_1xb8-3k_brain-tumor-256x256.py``).

    Args:
        path (str): Config file or name.

    Returns:
        Path: The file.
    """
    if Path(path).is_file():
        return Path(path)
    name = str(path)
    name = name[len('configs/'):] if name.startswith('configs/') else name
    shipped = PACKAGED_CONFIGS / name
    if shipped.is_file():
        return shipped
    raise ConfigError(f'config file {str(path)!r} not found; configs live '
                      'in configs/ (e.g. configs/linknet_cityscapes.py) and '
                      f'ship with linknet_mm ({PACKAGED_CONFIGS})')


def read_config(path: str) -> Config:
    """Read a config file or a shipped config by name (:func:`find_config`).

    Args:
        path (str): Config file or name.

    Returns:
        Config: The config.
    """
    return Config.fromfile(str(find_config(path)))


def load_config(config: ConfigInput,
                cfg_options: Optional[dict] = None) -> Config:
    """A config from a file, or a copy of a config object, with overrides.

    Nothing is created or written (the tools check ``--cfg-options`` keys
    and their output folder with :func:`load_tool_config`
    and pass the result here).

    Args:
        config (str | Path | Config): Config file or object.
        cfg_options (dict, optional): Overrides. Defaults to None.

    Returns:
        Config: The config; an object passed in is not changed.
    """
    if isinstance(config, (str, Path)):
        cfg = read_config(str(config))
    elif isinstance(config, Config):
        cfg = copy.deepcopy(config)
    else:
        raise TypeError('config must be a file path or an mmengine Config, '
                        f'got {type(config).__name__}')
    cfg.merge_from_dict(cfg_options or {})
    return cfg


def load_tool_config(path: str,
                     options: Optional[dict] = None,
                     work_dir: Optional[str] = None,
                     launcher: str = 'none',
                     work_dir_option: str = '--work-dir') -> Config:
    """Load a config for a tool: checked ``--cfg-options``, work dir, launcher.

    A key whose path does not exist in the config (a typo such as
    ``modle.backbone.depth``) is an error naming the key and the closest
    existing one. New leaves under an existing dict are allowed: the class
    that receives them checks them when it is built. ``data_root`` also
    replaces the data root of every dataloader that used the config's.

    Args:
        path (str): Config file.
        options (dict, optional): Parsed ``--cfg-options``.
            Defaults to None.
        work_dir (str, optional): ``--work-dir``; without it the config's,
            else ``./work_dirs/<config name>``. It must be writable.
            Defaults to None.
        launcher (str): ``--launcher``. Defaults to 'none'.
        work_dir_option (str): The tool's option that sets the work dir,
            named if it is not writable. Defaults to '--work-dir'.

    Returns:
        Config: The merged config.
    """
    cfg = read_config(path)
    options = dict(options or {})
    for key in options:
        _check_key(cfg, key)
    old_root = cfg.get('data_root')
    cfg.merge_from_dict(options)
    if 'data_root' in options:
        for loader in DATALOADERS:
            dataset = cfg.get(loader, {}).get('dataset', {})
            if dataset.get('data_root') == old_root:
                dataset['data_root'] = options['data_root']
    cfg.launcher = launcher
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(path))[0])
    check_work_dir(cfg.work_dir, work_dir_option)
    return cfg


def _check_key(cfg: Config, key: str) -> None:
    """Raise if a dotted ``--cfg-options`` key has no existing parent.

    Args:
        cfg (Config): The config before merging.
        key (str): Dotted key, e.g. ``model.backbone.depth``.
    """
    parts = key.split('.')
    node = cfg._cfg_dict.to_dict()
    for depth, part in enumerate(parts):
        is_leaf = depth == len(parts) - 1
        known = list(node) if isinstance(node, dict) else []
        if isinstance(node, (list, tuple)) and part.isdigit():
            if int(part) >= len(node):
                where = '.'.join(parts[:depth])
                raise ConfigError(f'--cfg-options {key}: {where} has '
                                  f'{len(node)} items, no index {part}')
            node = node[int(part)]
            continue
        if part in known:
            node = node[part]
            continue
        if is_leaf and depth > 0 and isinstance(node, dict):
            _check_new_leaf(key, part, known)
            return  # a new argument of an existing component
        if depth == 0 and part in RUNTIME_KEYS:
            return
        close = difflib.get_close_matches(part, known, n=1)
        hint = f'; did you mean {".".join(parts[:depth] + close)!r}?' \
            if close else ''
        where = '.'.join(parts[:depth]) or 'the top level of the config'
        raise ConfigError(f'--cfg-options {key}: {where} has no key '
                          f'{part!r}{hint}')


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: single-character insertions, deletions and
    substitutions turning ``a`` into ``b``.

    Args:
        a (str): One string.
        b (str): The other.

    Returns:
        int: The distance.
    """
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1,
                    previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def _check_new_leaf(key: str, leaf: str, known: List[str]) -> None:
    """Refuse a new leaf that is a typo of a sibling key.

    A key one edit (keys up to 5 characters) or two edits away from an
    existing key of the same dict (``max_iter`` for ``max_iters``,
    ``intervl`` for ``interval``) is taken for a typo, which would
    otherwise pass to the component and fail hours later; other new keys
    stay allowed, as mmengine allows them.

    Args:
        key (str): The full dotted key, for the message.
        leaf (str): Its last part, not in ``known``.
        known (list[str]): The keys of its parent.
    """
    limit = 1 if len(leaf) <= 5 else 2
    close = sorted((edit_distance(leaf, name), name) for name in known)
    if close and close[0][0] <= limit:
        suggestion = key[:len(key) - len(leaf)] + close[0][1]
        raise ConfigError(f'--cfg-options {key}: no such key; did you mean '
                          f'{suggestion!r}? (a new key this close to an '
                          'existing one is taken for a typo)')


def check_work_dir(work_dir: str, option: str = '--work-dir') -> None:
    """Create ``work_dir`` if needed and make sure files can be written.

    Args:
        work_dir (str): The run's work directory.
        option (str): The tool option that sets it, for the message.
            Defaults to '--work-dir'.
    """
    probe = Path(work_dir) / f'.write_test_{os.getpid()}'
    try:
        Path(work_dir).mkdir(parents=True, exist_ok=True)
        probe.touch()
        probe.unlink()
    except OSError as err:
        raise ConfigError(f'work dir {work_dir} is not writable ({err}); '
                          f'choose another with {option}') from err
