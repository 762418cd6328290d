// The built-in check for Python: compile every changed .py file, as Python itself would on import,
// so a syntax error keeps the old app serving instead of crashing the new one. Nothing is written
// (no .pyc), app code never runs, and each error is one `path:line:col: Kind: msg` line (then the
// source line, indented) that editors and the blame heuristic both understand.
//
// The same Python source runs two ways: cold, one interpreter per check with the files as
// arguments; or warm (python-checker.ts), one interpreter per session answering requests on stdin.
// Both print the same bytes for the same files, because both call the same `report`.

export const PYTHON_CHECK_NAME = 'python compile';

// Python 3.4+ (no f-strings): the check must run under whatever the app runs under. Warnings (an
// invalid escape) are not failures: silence them. A file that is gone, unreadable or not a regular
// file (a FIFO would block for ever) is skipped, as an import would not see it either. Any error
// compile() raises is the file's (null bytes, too deep a nesting, out of memory), never the check's.
// Text is written as UTF-8 bytes with undecodable bytes escaped, whatever the locale says.
const REPORT = String.raw`
import os, stat, sys, warnings
warnings.simplefilter("ignore")

def report(name, path):
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return b""
        with open(path, "rb") as handle:
            source = handle.read()
    except OSError:
        return b""
    try:
        compile(source, name, "exec", dont_inherit=True)
        return b""
    except SyntaxError as error:
        text = "%s:%s:%s: %s: %s\n" % (name, error.lineno or 0, error.offset or 0, type(error).__name__, error.msg)
        if error.text:
            text += "    " + error.text.rstrip() + "\n"
    except Exception as error:
        text = "%s:0:0: %s: %s\n" % (name, type(error).__name__, error)
    return text.encode("utf-8", "backslashreplace")
`;

const COLD = String.raw`
text = b"".join(report(name, name) for name in sys.argv[1:])
sys.stdout.buffer.write(text)
sys.stdout.flush()
sys.exit(1 if text else 0)
`;

/** The first line the warm interpreter writes: `<HELLO> <version> <n>\n` and then sys.executable, n bytes. */
export const WORKER_HELLO = 'devtui-python-checker';

// The warm protocol is length-framed so that no text needs quoting and no module beyond the
// cold run's is imported (json would add ~5 ms to every start). Request: `<id> <n>\n`, then n bytes
// of name NUL path NUL name NUL path (a name as given, for the messages; a path to open). Answer:
// `<id> <n>\n`, then the n bytes the cold run would print. EOF on stdin (devtui quit, or was
// killed) ends it.
const SERVE = String.raw`
def serve():
    read, out = sys.stdin.buffer, sys.stdout.buffer
    me = os.fsencode(sys.executable or "")
    out.write(("${WORKER_HELLO} %d.%d.%d %d\n" % (tuple(sys.version_info[:3]) + (len(me),))).encode("ascii") + me)
    out.flush()
    while True:
        header = read.readline()
        if not header:
            return
        ident, size = header.split()
        parts = read.read(int(size)).split(b"\0")
        text = b"".join(report(parts[i].decode("utf-8", "surrogateescape"), parts[i + 1]) for i in range(0, len(parts) - 1, 2))
        out.write(ident + b" " + str(len(text)).encode("ascii") + b"\n" + text)
        out.flush()

try:
    serve()
except BrokenPipeError:
    pass
os._exit(0)
`;

// -I -S: no site packages, no PYTHON* variables, no user site, and not the working directory on
// sys.path (a project's own `warnings.py` cannot shadow the standard one): compiling needs none of
// them, and skipping site makes the interpreter start in about 10 ms instead of 40.
const ISOLATED = ['-I', '-S'];

/** The arguments that compile these files once (paths relative to the check's working directory). */
export const pythonCheckArgs = (python: string, files: readonly string[]): string[] => [python, ...ISOLATED, '-c', REPORT + COLD, ...files];

/** The arguments that start the warm interpreter. */
export const pythonWorkerArgs = (python: string): string[] => [python, ...ISOLATED, '-c', REPORT + SERVE];

export const isPythonFile = (file: string): boolean => file.endsWith('.py');

