# The bench's count of app spawns, from the kernel: the process-events connector (netlink,
# NETLINK_CONNECTOR / CN_IDX_PROC) reports every fork, exec and exit on the machine as it happens.
# An instance a tool kills before it has run a line of the app never reports itself to the bench,
# so counting what the apps report (READY) misses exactly the spawns a burst wastes. Needs root
# (CAP_NET_ADMIN); prints "UNAVAILABLE <reason>" and exits 3 otherwise.
#
#   python3 spawn-watch.py <root pid>      (exits when its stdin closes)
#
# Follows the descendants of <root pid> (the bench: every tool it starts and their children) and
# prints one line per event of one of them, times in CLOCK_MONOTONIC nanoseconds (the kernel's
# timestamp, the clock of Node's process.hrtime):
#   READY                                  subscribed; start the tools now
#   FORK <ns> <top> <parent> <pid>         a new process (not a thread) under <top>
#   EXEC <ns> <top> <pid> <cmdline>        <pid> exec'd; cmdline's arguments joined by \x1f; if the
#                                          process exited before it could be read, "?<name>" (its
#                                          kernel name, from /proc/<pid>/stat) or "?" once reaped
#   EXIT <ns> <top> <pid>
#   LOST                                   the kernel dropped events (receive buffer overrun)
# <top> is the child of <root pid> the process descends from (the tool's own pid).
import errno, os, select, socket, struct, sys

NETLINK_CONNECTOR = 11
CN_IDX_PROC = 1
CN_VAL_PROC = 1
PROC_CN_MCAST_LISTEN = 1
PROC_EVENT_FORK = 0x1
PROC_EVENT_EXEC = 0x2
PROC_EVENT_EXIT = 0x80000000
NLMSG_DONE = 3
HEADER = 16 + 20  # nlmsghdr + cn_msg
EVENT = HEADER + 16  # what, cpu, timestamp_ns


def describe(pid):
    # The command line; a process that already exited (a zombie has none) still has its name,
    # until its parent reaps it.
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as handle:
            cmdline = handle.read().rstrip(b'\0').replace(b'\0', b'\x1f').decode('utf8', 'replace')
        if cmdline:
            return cmdline
    except OSError:
        pass
    try:
        with open('/proc/%d/stat' % pid, 'rb') as handle:
            stat = handle.read().decode('utf8', 'replace')
        return '?' + stat[stat.index('(') + 1:stat.rindex(')')].replace(' ', '_')
    except (OSError, ValueError):
        return '?'


def main():
    root = int(sys.argv[1])
    try:
        sock = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_CONNECTOR)
        try:
            sock.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)  # SO_RCVBUFFORCE (root)
        except OSError:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
        sock.bind((0, CN_IDX_PROC))
        op = struct.pack('=I', PROC_CN_MCAST_LISTEN)
        cn = struct.pack('=IIIIHH', CN_IDX_PROC, CN_VAL_PROC, 0, 0, len(op), 0) + op
        sock.send(struct.pack('=IHHII', 16 + len(cn), NLMSG_DONE, 0, 0, 0) + cn)
    except OSError as error:
        print('UNAVAILABLE %s' % (error.strerror or error), flush=True)
        sys.exit(3)
    # Events must be read as they come even while two busy loops hold both cores.
    try:
        os.nice(-15)
    except OSError:
        pass
    top = {root: None}
    out = sys.stdout
    print('READY', flush=True)
    while True:
        # stdin is the bench's pipe: at its end (the bench exited, however) so does the watch.
        readable, _, _ = select.select([sock, sys.stdin], [], [])
        if sys.stdin in readable and not os.read(sys.stdin.fileno(), 4096):
            return
        if sock not in readable:
            continue
        try:
            data = sock.recv(65536)
        except OSError as error:
            if error.errno == errno.ENOBUFS:
                print('LOST', flush=True)
                continue
            raise
        offset = 0
        lines = []
        while offset + EVENT <= len(data):
            length = struct.unpack_from('=I', data, offset)[0]
            if length < EVENT:
                break
            what, _cpu, ns = struct.unpack_from('=IIQ', data, offset + HEADER)
            body = offset + EVENT
            if what == PROC_EVENT_FORK:
                _ppid, ptgid, cpid, ctgid = struct.unpack_from('=IIII', data, body)
                if cpid == ctgid and ptgid in top:
                    owner = cpid if ptgid == root else top[ptgid]
                    top[cpid] = owner
                    lines.append('FORK %d %d %d %d' % (ns, owner, ptgid, cpid))
            elif what == PROC_EVENT_EXEC:
                pid, tgid = struct.unpack_from('=II', data, body)
                if tgid in top and tgid != root:
                    lines.append('EXEC %d %d %d %s' % (ns, top[tgid], tgid, describe(tgid)))
            elif what == PROC_EVENT_EXIT:
                pid, tgid = struct.unpack_from('=II', data, body)
                if pid == tgid and tgid in top and tgid != root:
                    lines.append('EXIT %d %d %d' % (ns, top.pop(tgid), tgid))
            offset += (length + 3) & ~3
        if lines:
            out.write('\n'.join(lines) + '\n')
            out.flush()


try:
    main()
except (KeyboardInterrupt, BrokenPipeError):
    pass
