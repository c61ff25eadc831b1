"""An SME full backup of a generated tree, packed the way SME's backup panel packs it:
`tar --create --directory / <restore_list> | gzip` (reference/sme-source.md §1.1):
relative member names, owners by name (the tree's own etc/passwd and etc/group) and by
number, hard links as links, symlinks as links."""

import os
import tarfile

# The backup list of SME 9 (esmith::Backup restore_list), in its order.
RESTORE_LIST = ('home/e-smith', 'etc/e-smith/templates-custom',
                'etc/e-smith/templates-user-custom', 'etc/ssh', 'root', 'etc/sudoers',
                'etc/passwd', 'etc/shadow', 'etc/group', 'etc/gshadow',
                'etc/samba/secrets.tdb', 'etc/samba/smbpasswd', 'etc/smbpasswd',
                'etc/cups/printers.conf', 'etc/cups/classes.conf')


def _names(path):
    out = {}
    try:
        with open(path, encoding='utf-8', errors='surrogateescape') as f:
            for line in f:
                fields = line.split(':')
                if len(fields) >= 3 and fields[2].isdigit():
                    out.setdefault(int(fields[2]), fields[0])
    except OSError:
        pass
    return out


def pack(tree, archive, paths=RESTORE_LIST):
    """Write archive (gzip tar) of the paths of tree that exist; returns the members."""
    users = _names(os.path.join(tree, 'etc', 'passwd'))
    groups = _names(os.path.join(tree, 'etc', 'group'))
    count = 0
    with tarfile.open(archive, 'w:gz', format=tarfile.GNU_FORMAT) as tar:
        def named(info):
            info.uname = users.get(info.uid, '')
            info.gname = groups.get(info.gid, '')
            return info
        for rel in paths:
            if os.path.lexists(os.path.join(tree, rel)):
                tar.add(os.path.join(tree, rel), arcname=rel, filter=named)
        count = len(tar.getmembers())
    return count
