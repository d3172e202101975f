"""quiet_known_warnings: the listed upstream warnings go, others stay."""
import logging
import warnings

from mmengine.logging import MMLogger

from linknet_mm.utils import quiet_known_warnings


def test_known_python_warnings_are_hidden_others_shown():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        quiet_known_warnings()
        warnings.warn('pkg_resources is deprecated as an API. See ...',
                      UserWarning)
        warnings.warn('``build_loss`` would be deprecated soon, please use',
                      UserWarning)
        warnings.warn('pkg_resources is deprecated as an API', FutureWarning)
        warnings.warn('something new went wrong', UserWarning)
    assert [str(w.message) for w in caught] == [
        'pkg_resources is deprecated as an API', 'something new went wrong'
    ]


def test_known_log_lines_are_hidden_others_shown(caplog):
    logger = MMLogger.get_current_instance()
    quiet_known_warnings()
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    try:
        logger.warning('"FileClient" will be deprecated in future. Please')
        logger.warning('"FileClient" is broken in a new way')
    finally:
        logger.removeHandler(handler)
    assert [r.msg for r in records] == ['"FileClient" is broken in a new way']
