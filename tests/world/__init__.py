"""The test world: the bubblewrap sandbox with its stand-in NethServer 7, the SME tree
generator (smegen) and the demo.  Outside pytest (the demo, smegen's CLI) the library is
found where the RPM installs it from: root/usr/lib/python3.6/site-packages."""

import os
import sys

_LIB = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', 'root', 'usr',
                                    'lib', 'python3.6', 'site-packages'))
if _LIB not in sys.path:
    sys.path.insert(0, _LIB)
