"""signal-event as nethserver-lib's esmith::event::event_signal does it.

(anchor-behaviour.md §1.2)  ``signal-event [-j|--json] EVENT [ARGS...]``:

* LANG=en_US.utf8, LANGUAGE and every LC_* removed;
* the event name ``actions`` is refused; a missing event directory is fatal (no log);
* handlers = every non-directory entry of /etc/e-smith/events/EVENT/ that is executable
  (symlinks followed); a non-executable one is skipped with a log line; the sub-directory
  ``templates2expand/`` adds actions/generic_template_expand sorted as
  ``S05generic_template_expand``, ``services2adjust/`` adds actions/adjust-services as
  ``S90adjust-services``; all sorted by basename string order;
* each handler runs as ``HANDLER EVENT ARGS...``, stdout and stderr merged, every line sent
  to /var/log/messages as ``<date> <host> esmith::event[<pid>]: <line>``;
* ``Event: EVENT ARGS`` first, ``Action: PATH SUCCESS [secs]`` or
  ``Action: PATH FAILED: N [secs]`` per handler (N = signal number when killed), then
  ``Event: EVENT SUCCESS|FAILED``; a failed handler does not stop the later ones;
  exit 1 if any failed, else 0.
"""

import os
import subprocess
import sys
import time

from . import common

IDENT = 'esmith::event'


def _elapsed(t):
    # Perl prints tv_interval's float: microsecond resolution, no trailing zeros.
    text = '{:.6f}'.format(t).rstrip('0')
    return text + '0' if text.endswith('.') else text


def handlers(event_dir):
    """[(sortname, path)] and the skipped non-executables."""
    found, skipped = [], []
    for name in os.listdir(event_dir):
        p = os.path.join(event_dir, name)
        if os.path.isdir(p):
            continue
        if not os.access(p, os.X_OK):
            skipped.append(p)
            continue
        found.append((name, p))
    actions = os.path.join(common.EVENTS_DIR, 'actions')
    if os.path.isdir(os.path.join(event_dir, 'templates2expand')):
        found.append(('S05generic_template_expand',
                      os.path.join(actions, 'generic_template_expand')))
    if os.path.isdir(os.path.join(event_dir, 'services2adjust')):
        found.append(('S90adjust-services', os.path.join(actions, 'adjust-services')))
    found.sort(key=lambda np: np[0].encode('utf-8', 'surrogateescape'))
    return found, sorted(skipped)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ('-j', '--json'):
        argv.pop(0)
    if not argv:
        sys.stderr.write('usage: signal-event [-j|--json] <event> [args...]\n')
        return 1
    event, args = argv[0], argv[1:]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith('LC_') and k != 'LANGUAGE'}
    env['LANG'] = 'en_US.utf8'
    if event == 'actions' or '/' in event:
        sys.stderr.write('signal-event: invalid event name {!r}\n'.format(event))
        common.journal('event', event, args, exit=1, refused=True)
        return 1
    event_dir = os.path.join(common.EVENTS_DIR, event)
    if not os.path.isdir(event_dir):
        sys.stderr.write("Can't open directory {}: No such file or directory\n".format(event_dir))
        common.journal('event', event, args, exit=2, missing=True)
        return 2
    pid = os.getpid()
    log = lambda line: common.log_messages(IDENT, pid, [line])
    log(' '.join(['Event:', event] + args))
    found, skipped = handlers(event_dir)
    for p in skipped:
        log('Skipping non-executable handler {}'.format(p))
    failed = False
    results = []
    env['NS7_STANDIN_EVENT'] = event
    for sortname, p in found:
        start = time.time()
        env['NS7_STANDIN_CALLER'] = sortname
        try:
            proc = subprocess.Popen([p, event] + args, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, env=env, stdin=subprocess.DEVNULL)
        except OSError as exc:
            log('{}: {}'.format(p, exc))
            code = 255
        else:
            for raw in proc.stdout:
                line = raw.decode('utf-8', 'replace').rstrip('\n')
                log(line)
            proc.wait()
            code = proc.returncode
            if code < 0:
                code = -code       # killed by a signal: Perl reports the signal number
        took = _elapsed(time.time() - start)
        if code == 0:
            log('Action: {} SUCCESS [{}]'.format(p, took))
        else:
            failed = True
            log('Action: {} FAILED: {} [{}]'.format(p, code, took))
        results.append({'name': sortname, 'path': p, 'exit': code})
    log('Event: {} {}'.format(event, 'FAILED' if failed else 'SUCCESS'))
    status = 1 if failed else 0
    common.journal('event', event, args, exit=status, actions=results,
                   skipped=skipped)
    return status


if __name__ == '__main__':
    sys.exit(main())
