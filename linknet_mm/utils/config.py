"""The one config loader of the package and the tools."""
import copy
import difflib
import os
import os.path as osp
from pathlib import Path
from typing import Optional, Union

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

#: ``difflib`` similarity from which a new key is taken for a typo of a
#: sibling: one edit in a short key, two in a longer one.
TYPO_RATIO = 0.85
#: Where an installed linknet_mm keeps its configs (as mmseg's ``.mim``).
PACKAGED_CONFIGS = Path(__file__).resolve().parents[1] / '.mim' / 'configs'


def load_config(config: ConfigInput,
                cfg_options: Optional[dict] = None,
                work_dir: Optional[str] = None,
                launcher: Optional[str] = None,
                work_dir_option: str = '--work-dir') -> Config:
    """The one config loader: a file (or shipped config), checked overrides.

    A path that is not a file is looked up in the configs shipped with
    linknet_mm, with or without its ``configs/`` prefix
    (``linknet_cityscapes.py``); a :class:`Config` is copied, not changed.
    A ``cfg_options`` key whose path does not exist in the config (a typo
    such as ``modle.backbone.depth``) is an error naming the key and the
    closest existing one; new leaves under an existing dict are allowed
    (the class that receives them checks them when it is built).
    ``data_root`` also replaces the data root of every dataloader that
    used the config's.

    Args:
        config (str | Path | Config): Config file, shipped name or object.
        cfg_options (dict, optional): Overrides (``--cfg-options``).
            Defaults to None.
        work_dir (str, optional): The work dir of a tool; created and
            checked writable. Defaults to None (the config's).
        launcher (str, optional): ``--launcher`` of a run
            (``tools/train.py``, ``tools/test.py``); a run without
            ``work_dir`` and without one in its config works in
            ``./work_dirs/<config name>``. Defaults to None (no run).
        work_dir_option (str): The tool's option that sets the work dir,
            named if it is not writable. Defaults to '--work-dir'.

    Returns:
        Config: The merged config.
    """
    if isinstance(config, Config):
        cfg = copy.deepcopy(config)
    elif isinstance(config, (str, Path)):
        cfg = Config.fromfile(str(_config_file(str(config))))
    else:
        raise TypeError('config must be a file path or an mmengine Config, '
                        f'got {type(config).__name__}')
    options = dict(cfg_options or {})
    for key in options:
        _check_key(cfg, key)
    old_root = cfg.get('data_root')
    cfg.merge_from_dict(options)
    for loader in DATALOADERS if 'data_root' in options else ():
        dataset = cfg.get(loader, {}).get('dataset', {})
        if dataset.get('data_root') == old_root:
            dataset['data_root'] = options['data_root']
    if launcher is not None:
        cfg.launcher = launcher
        default = osp.join('./work_dirs', Path(cfg.filename or 'run').stem)
        work_dir = work_dir or cfg.get('work_dir') or default
    if work_dir is not None:
        cfg.work_dir = work_dir
        check_work_dir(work_dir, work_dir_option)
    return cfg


def _config_file(path: str) -> Path:
    """``path``, or the shipped config of that name (see :func:`load_config`).
    """
    name = path[len('configs/'):] if path.startswith('configs/') else path
    for found in (Path(path), PACKAGED_CONFIGS / name):
        if found.is_file():
            return found
    raise ConfigError(f'config file {path!r} not found; configs live '
                      'in configs/ (e.g. configs/linknet_cityscapes.py) and '
                      f'ship with linknet_mm ({PACKAGED_CONFIGS})')


def _check_key(cfg: Config, key: str) -> None:
    """Raise if a dotted ``--cfg-options`` key has no existing parent.

    A new last part under an existing dict is allowed (as mmengine allows
    it) unless it is as close to a sibling as a typo is
    (:data:`TYPO_RATIO`: ``max_iter`` for ``max_iters``, ``dept`` for
    ``depth``), which would pass to the component and fail hours later.

    Args:
        cfg (Config): The config before merging.
        key (str): Dotted key, e.g. ``model.backbone.depth``.
    """
    parts = key.split('.')
    node = cfg._cfg_dict.to_dict()
    for depth, part in enumerate(parts):
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
        if depth == 0 and part in RUNTIME_KEYS:
            return
        if depth == len(parts) - 1 and depth > 0 and isinstance(node, dict):
            typo = difflib.get_close_matches(part, known, 1, TYPO_RATIO)
            if not typo:
                return  # a new argument of an existing component
            raise ConfigError(
                f'--cfg-options {key}: no such key; did you mean '
                f'{".".join(parts[:-1] + typo)!r}? (a new key this close '
                'to an existing one is taken for a typo)')
        close = difflib.get_close_matches(part, known, n=1)
        hint = f'; did you mean {".".join(parts[:depth] + close)!r}?' \
            if close else ''
        where = '.'.join(parts[:depth]) or 'the top level of the config'
        raise ConfigError(f'--cfg-options {key}: {where} has no key '
                          f'{part!r}{hint}')


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
