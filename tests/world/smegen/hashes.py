"""Password hashes as SME wrote them: MD5-crypt for shadow/LDAP, MD4 NT hashes for smbpasswd.

Own implementations because the `crypt` module is gone in Python 3.13 and OpenSSL 3 hides
MD4 in its legacy provider.  Both are checked against references in the tests
(`openssl passwd -1` for MD5-crypt, the RFC 1320 test vectors for MD4).
"""

import hashlib
import struct

_ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
SALT_CHARS = _ITOA64


def _to64(value, count):
    out = []
    for _ in range(count):
        out.append(_ITOA64[value & 0x3f])
        value >>= 6
    return ''.join(out)


def md5_crypt(password, salt):
    """``$1$salt$hash``: the FreeBSD/glibc MD5-crypt that pam_unix `md5` wrote on SME."""
    pw = password.encode('utf-8')
    salt = salt[:8]
    sb = salt.encode('ascii')
    alt = hashlib.md5(pw + sb + pw).digest()
    ctx = hashlib.md5(pw + b'$1$' + sb)
    for i in range(len(pw), 0, -16):
        ctx.update(alt[:min(16, i)])
    i = len(pw)
    while i:
        ctx.update(b'\0' if i & 1 else pw[:1])
        i >>= 1
    final = ctx.digest()
    for i in range(1000):
        ctx = hashlib.md5()
        ctx.update(pw if i & 1 else final)
        if i % 3:
            ctx.update(sb)
        if i % 7:
            ctx.update(pw)
        ctx.update(final if i & 1 else pw)
        final = ctx.digest()
    f = final
    encoded = ''.join([
        _to64((f[0] << 16) | (f[6] << 8) | f[12], 4),
        _to64((f[1] << 16) | (f[7] << 8) | f[13], 4),
        _to64((f[2] << 16) | (f[8] << 8) | f[14], 4),
        _to64((f[3] << 16) | (f[9] << 8) | f[15], 4),
        _to64((f[4] << 16) | (f[10] << 8) | f[5], 4),
        _to64(f[11], 2),
    ])
    return '$1${}${}'.format(salt, encoded)


def _rotl(x, n):
    x &= 0xffffffff
    return ((x << n) | (x >> (32 - n))) & 0xffffffff


def md4(data):
    """MD4 (RFC 1320) digest of bytes."""
    msg = bytearray(data)
    bit_len = (8 * len(data)) & 0xffffffffffffffff
    msg.append(0x80)
    while len(msg) % 64 != 56:
        msg.append(0)
    msg += struct.pack('<Q', bit_len)
    a, b, c, d = 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476
    for off in range(0, len(msg), 64):
        x = struct.unpack('<16I', bytes(msg[off:off + 64]))
        aa, bb, cc, dd = a, b, c, d

        def f(x_, y, z):
            return (x_ & y) | (~x_ & z)

        def g(x_, y, z):
            return (x_ & y) | (x_ & z) | (y & z)

        def h(x_, y, z):
            return x_ ^ y ^ z
        for i in range(16):
            k, s = i, (3, 7, 11, 19)[i % 4]
            a, b, c, d = d, _rotl(a + f(b, c, d) + x[k], s), b, c
        for i in range(16):
            k, s = (i % 4) * 4 + i // 4, (3, 5, 9, 13)[i % 4]
            a, b, c, d = d, _rotl(a + g(b, c, d) + x[k] + 0x5a827999, s), b, c
        order = (0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15)
        for i in range(16):
            k, s = order[i], (3, 9, 11, 15)[i % 4]
            a, b, c, d = d, _rotl(a + h(b, c, d) + x[k] + 0x6ed9eba1, s), b, c
        a = (a + aa) & 0xffffffff
        b = (b + bb) & 0xffffffff
        c = (c + cc) & 0xffffffff
        d = (d + dd) & 0xffffffff
    return struct.pack('<4I', a, b, c, d)


def nt_hash(password):
    """The smbpasswd NT hash: upper-case hex MD4 of the UTF-16LE password."""
    return md4(password.encode('utf-16-le')).hex().upper()
