"""An event handler that kills a migration action from inside one of NethServer's events:
what an interrupted import looks like.  Installed by a test as a handler of the event;
on its Nth call (N in /var/lib/killer.after, 1 when absent) it SIGKILLs the nearest
ancestor process whose command line names the action."""


def script(action):
    return r'''#!/usr/bin/python3
import os, signal
count_file = '/var/lib/killer.count'
n = int(open(count_file).read()) + 1 if os.path.exists(count_file) else 1
open(count_file, 'w').write(str(n))
after_file = '/var/lib/killer.after'
after = int(open(after_file).read()) if os.path.exists(after_file) else 1
if n == after:
    pid = os.getppid()
    while pid > 1:
        cmd = open('/proc/%d/cmdline' % pid, 'rb').read()
        if b'ACTION' in cmd:
            os.kill(pid, signal.SIGKILL)
            break
        pid = int(open('/proc/%d/stat' % pid).read().rsplit(')', 1)[1].split()[1])
'''.replace('ACTION', action)
