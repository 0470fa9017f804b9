#!/usr/bin/env python3
"""Watches directory trees with inotify (ctypes, no dependencies) and prints one line per event:
"<MASK names> <path>", flushed. Prints "READY" once every watch is in place. The adversarial path
test uses it to see, on the filesystem itself, any open, read, write, create, delete, move or
attribute change under the trees that lie outside the shim's roots."""
import ctypes, os, struct, sys

IN_ACCESS, IN_MODIFY, IN_ATTRIB = 0x1, 0x2, 0x4
IN_CLOSE_WRITE, IN_OPEN = 0x8, 0x20
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF, IN_ISDIR, IN_Q_OVERFLOW = 0x400, 0x800, 0x40000000, 0x4000
NAMES = {IN_ACCESS: 'ACCESS', IN_MODIFY: 'MODIFY', IN_ATTRIB: 'ATTRIB', IN_CLOSE_WRITE: 'CLOSE_WRITE',
         IN_OPEN: 'OPEN', IN_MOVED_FROM: 'MOVED_FROM', IN_MOVED_TO: 'MOVED_TO', IN_CREATE: 'CREATE',
         IN_DELETE: 'DELETE', IN_DELETE_SELF: 'DELETE_SELF', IN_MOVE_SELF: 'MOVE_SELF',
         IN_ISDIR: 'ISDIR', IN_Q_OVERFLOW: 'Q_OVERFLOW'}
MASK = (IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_OPEN | IN_MOVED_FROM | IN_MOVED_TO
        | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF)

libc = ctypes.CDLL('libc.so.6', use_errno=True)
fd = libc.inotify_init1(0)
if fd < 0:
    sys.stderr.write('inotify_init1 failed: errno %d\n' % ctypes.get_errno())
    sys.exit(2)
watches = {}

def watch(path):
    wd = libc.inotify_add_watch(fd, os.fsencode(path), MASK)
    if wd < 0:
        sys.stderr.write('inotify_add_watch %s failed: errno %d\n' % (path, ctypes.get_errno()))
        sys.exit(2)
    watches[wd] = path

for top in sys.argv[1:]:
    # Symlinks are not followed: a link out of a watched tree is not part of it.
    for dirpath, dirnames, _ in os.walk(top, followlinks=False):
        watch(dirpath)
print('READY', flush=True)

while True:
    data = os.read(fd, 65536)
    offset = 0
    while offset < len(data):
        wd, mask, _cookie, length = struct.unpack_from('iIII', data, offset)
        name = data[offset + 16: offset + 16 + length].rstrip(b'\0').decode('utf8', 'replace')
        offset += 16 + length
        names = '|'.join(v for k, v in NAMES.items() if mask & k) or hex(mask)
        path = watches.get(wd, '?') + ('/' + name if name else '')
        sys.stdout.write('%s %s\n' % (names, path))
    sys.stdout.flush()
