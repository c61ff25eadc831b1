#!/bin/sh
# sync_maildirs.sh [-h] [-n] [-p PORT] -s HOST [-t sme8|ns6]: the name NethServer's
# migration guide gives (nethserver-mail-server shipped it in its doc directory).  The
# work is sync-maildirs' (sync-maildirs -h): Maildir-aware, three-way, it never deletes
# mail that exists only on this server.
exec /usr/sbin/sync-maildirs "$@"
