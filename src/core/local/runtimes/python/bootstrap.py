# Flourish's Python runtime for the local cloud. Standard library only, no build step: the
# engine runs it with python3 and it speaks only the Lambda Runtime API at
# AWS_LAMBDA_RUNTIME_API, as AWS's runtime interface client does in Lambda.
import decimal
import importlib
import json
import logging
import math
import os
import re
import socket
import sys
import time
import traceback

API_PREFIX = "/2018-06-01/runtime"
# Read from the environment once the function is known (a spare process learns it late).
API_HOST = API_PORT = TASK_ROOT = HANDLER = None
# Results keep non-ASCII characters as they are from python3.12 on (escaped before), as in Lambda.
ENSURE_ASCII = True

current_request_id = None
# The function logs as JSON (LoggingConfig LogFormat JSON): read once its environment is known.
LOG_FORMAT_JSON = False

THIS_FILE = os.path.abspath(__file__)
# Logged before an init error, word for word as Lambda's runtime logs it.
UNHANDLED_INIT_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. "
    "The most likely cause is an issue in the function code. "
    "However, in rare cases, a Lambda runtime update can cause unexpected function behavior. "
    "For functions using managed runtimes, runtime updates can be triggered by a function change, "
    "or can be applied automatically. "
    "To determine if the runtime has been updated, check the runtime version in the INIT_START "
    "log entry. "
    "If this error correlates with a change in the runtime version, you may be able to mitigate "
    "this error by temporarily rolling back to the previous runtime version. "
    "For more information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
)


def receive_function():
    """A spare process was started before its function was known, with a neutral environment
    and the setup pipe on fd 3. It reads {env, cwd}, closes the pipe, replaces its whole
    environment and changes into the code folder: from here on it is what a worker spawned for
    the function would be. An empty pipe means the engine went away: nothing to do."""
    chunks = []
    os.set_blocking(3, True)
    while True:
        chunk = os.read(3, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(3)
    text = b"".join(chunks).decode("utf-8")
    if not text.strip():
        sys.exit(0)
    setup = json.loads(text)
    # Python's own locale coercion (PEP 538) added LC_CTYPE as it started, as it does in a
    # worker spawned for the function, which starts with the same locale variables.
    coerced = os.environ.get("LC_CTYPE")
    os.environ.clear()
    os.environ.update(setup["env"])
    if coerced is not None and "LC_CTYPE" not in os.environ:
        os.environ["LC_CTYPE"] = coerced
    time.tzset()
    os.chdir(setup["cwd"])
    # PYTHONPATH is read once at start-up, right after the script's own folder.
    for entry in reversed(setup["env"].get("PYTHONPATH", "").split(os.pathsep)):
        if entry and entry not in sys.path:
            sys.path.insert(1, entry)


def read_function_environment():
    global API_HOST, API_PORT, TASK_ROOT, HANDLER, ENSURE_ASCII
    API_HOST, API_PORT = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
    TASK_ROOT = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    HANDLER = os.environ.get("_HANDLER", "")
    version = re.match(r"AWS_Lambda_python3\.(\d+)$", os.environ.get("AWS_EXECUTION_ENV", ""))
    ENSURE_ASCII = not (version and int(version.group(1)) >= 12)


class Headers(dict):
    """Response headers, looked up case-insensitively."""

    def get(self, name, default=None):
        return dict.get(self, name.lower(), default)


class RuntimeClient:
    """A small HTTP/1.1 client on one keep-alive socket. It pipelines: a result and the next
    /next go out in one write, which saves a round trip per invocation."""

    def __init__(self):
        self.sock = None
        self.buf = bytearray()

    def _connect(self):
        self.sock = socket.create_connection((API_HOST, int(API_PORT)))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()

    @staticmethod
    def _encode(method, path, body=b"", headers=None):
        lines = [
            "%s %s%s HTTP/1.1" % (method, API_PREFIX, path),
            "Host: %s:%s" % (API_HOST, API_PORT),
            "Content-Length: %d" % len(body),
        ]
        for name, value in (headers or {}).items():
            lines.append("%s: %s" % (name, value))
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("The Runtime API closed the connection")
        self.buf += chunk

    def _read_response(self):
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end != -1:
                break
            self._fill()
        lines = bytes(self.buf[:end]).decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = Headers()
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(self.buf) < end + 4 + length:
            self._fill()
        body = bytes(self.buf[end + 4 : end + 4 + length])
        del self.buf[: end + 4 + length]
        return status, headers, body

    def exchange(self, *requests):
        """Sends the requests in one write and returns their responses, in order."""
        if self.sock is None:
            self._connect()
        self.sock.sendall(b"".join(self._encode(*r) for r in requests))
        return [self._read_response() for _ in requests]


def to_json(value):
    """JSON as Lambda's runtime writes it (simplejson there, the standard library here): a
    Decimal is a number exactly as written (a NaN one is NaN), NaN and Infinity are allowed,
    bytes inside the value are read as UTF-8 text, an object with `_asdict()` is an object, and
    U+2028/U+2029 are always escaped. Anything else unknown raises TypeError as json does.

    The encoder has no hook for raw output, so each Decimal goes in as a placeholder string made
    of a random tag and its index, and the quoted placeholders are replaced afterwards. A string
    of the function's own can only match by guessing 128 random bits."""
    numbers = []
    tag = []

    def default(obj):
        if isinstance(obj, decimal.Decimal):
            if obj.is_nan():
                return math.nan
            if not tag:
                tag.append(os.urandom(16).hex())
            numbers.append(str(obj))
            return "%s%d" % (tag[0], len(numbers) - 1)
        if isinstance(obj, bytes):
            return obj.decode("utf-8")
        as_dict = getattr(obj, "_asdict", None)
        if callable(as_dict):
            return as_dict()
        raise TypeError("Object of type %s is not JSON serializable" % type(obj).__name__)

    text = json.dumps(value, default=default, ensure_ascii=ENSURE_ASCII)
    if numbers:
        text = re.sub('"%s(\\d+)"' % tag[0], lambda m: numbers[int(m.group(1))], text)
    if not ENSURE_ASCII:
        text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text


def json_request(path, doc, error_type=None):
    headers = {"Content-Type": "application/json"}
    if error_type:
        headers["Lambda-Runtime-Function-Error-Type"] = error_type
    # backslashreplace turns a lone surrogate into a \udXXX escape, which JSON reads back.
    return ("POST", path, to_json(doc).encode("utf-8", "backslashreplace"), headers)


NEXT = ("GET", "/invocation/next")


class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __repr__(self):
        return "CognitoIdentity([cognito_identity_id=%s,cognito_identity_pool_id=%s])" % (
            self.cognito_identity_id,
            self.cognito_identity_pool_id,
        )


class Client:
    __slots__ = [
        "installation_id",
        "app_title",
        "app_version_name",
        "app_version_code",
        "app_package_name",
    ]

    def __repr__(self):
        return "Client([%s])" % ",".join("%s=%s" % (f, getattr(self, f)) for f in self.__slots__)


class ClientContext:
    __slots__ = ["custom", "env", "client"]

    def __repr__(self):
        return "ClientContext([custom=%s,env=%s,client=%s])" % (self.custom, self.env, self.client)


def object_from_dict(cls, values):
    """An instance with each of the class's fields taken from `values`, None where absent."""
    if values is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, values.get(field))
    return obj


class FaultError(Exception):
    """A failure of the runtime's own (Runtime.*): reported with the given trace, [] if none."""

    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace

    def document(self, request_id=None):
        return make_error(self.message, self.error_type, self.trace, request_id)


def parse_json_header(value, name):
    try:
        return json.loads(value)
    except Exception as exc:
        raise FaultError(
            "Runtime.LambdaContextUnmarshalError", "Unable to parse %s JSON: %s" % (name, exc)
        )


class LambdaContext:
    def __init__(self, headers):
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self.tenant_id = headers.get("Lambda-Runtime-Aws-Tenant-Id")
        # As in Lambda: client_context is an object (None without one), its client too;
        # identity is always an object, its fields None without a Cognito identity.
        raw = headers.get("Lambda-Runtime-Client-Context")
        client_context = parse_json_header(raw, "Client Context") if raw else None
        self.client_context = object_from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = object_from_dict(Client, self.client_context.client)
        raw = headers.get("Lambda-Runtime-Cognito-Identity")
        identity = parse_json_header(raw, "Cognito Identity") if raw else None
        self.identity = object_from_dict(CognitoIdentity, {})
        if identity is not None:
            self.identity.cognito_identity_id = identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = identity.get("cognitoIdentityPoolId")
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms", "0"))

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        fields = [
            "aws_request_id",
            "log_group_name",
            "log_stream_name",
            "function_name",
            "memory_limit_in_mb",
            "function_version",
            "invoked_function_arn",
            "client_context",
            "identity",
            "tenant_id",
        ]
        return "LambdaContext([%s])" % ",".join("%s=%s" % (f, getattr(self, f)) for f in fields)


class LambdaLoggerHandler(logging.Handler):
    """One log event per record, as Lambda logs (newlines inside it become \\r); its formatter
    says text or JSON."""

    def emit(self, record):
        try:
            sys.stdout.write(self.format(record).replace("\n", "\r") + "\n")
            sys.stdout.flush()
        except Exception:
            self.handleError(record)


class TextLogFormatter(logging.Formatter):
    """`[LEVEL]\\t<time>\\t<request id>\\t<message>`."""

    def __init__(self):
        super().__init__("%(message)s")

    def format(self, record):
        when = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return "[%s]\t%s.%03dZ\t%s\t%s" % (
            record.levelname,
            when,
            int(record.msecs),
            current_request_id or "",
            super().format(record),
        )


# LogRecord attributes that are not `extra=` fields of the caller's.
RECORD_FIELDS = {
    "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module", "exc_info",
    "exc_text", "stack_info", "lineno", "funcName", "created", "msecs", "relativeCreated",
    "thread", "threadName", "processName", "process", "aws_request_id", "tenant_id",
}


class JsonLogFormatter(logging.Formatter):
    """One JSON object per record, keys in the order Lambda's runtime writes them; the error
    fields and `location` only for a record with exc_info, then the caller's `extra=` fields."""

    def format(self, record):
        level = min(50, max(0, record.levelno)) // 10 * 10
        when = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        exc = record.exc_info
        result = {
            "timestamp": "%s.%03dZ" % (when, int(record.msecs)),
            "level": logging.getLevelName(level),
            "message": record.getMessage(),
            "logger": record.name,
            "stackTrace": traceback.format_tb(exc[2]) if exc else None,
            "errorType": exc[0].__name__ if exc else None,
            "errorMessage": str(exc[1]) if exc else None,
            "requestId": current_request_id or "",
            "location": "%s:%s:%s" % (record.pathname, record.funcName, record.lineno) if exc else None,
        }
        result.update(
            (key, value)
            for key, value in record.__dict__.items()
            if key not in RECORD_FIELDS and key not in result
        )
        return json.dumps({k: v for k, v in result.items() if v is not None}, ensure_ascii=False)


def setup_logging():
    """As Lambda's runtime: one handler on the root logger, text or JSON, and the root level
    from AWS_LAMBDA_LOG_LEVEL when it names one (TRACE is DEBUG); else Python's WARNING."""
    global LOG_FORMAT_JSON
    LOG_FORMAT_JSON = os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON"
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = LambdaLoggerHandler()
    handler.setFormatter(JsonLogFormatter() if LOG_FORMAT_JSON else TextLogFormatter())
    root.addHandler(handler)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    level = "DEBUG" if level == "TRACE" else level
    if level in logging._nameToLevel:
        root.setLevel(level)


def make_error(message, error_type, stack_trace, request_id=None):
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id or "",
        "stackTrace": stack_trace or [],
    }


def user_frames(tb):
    """The traceback's frames as formatted lines (`  File "...", line N, in f\\n    code\\n`),
    without the runtime's own leading frames, as Lambda reports them. Frames are plain tuples,
    so no column markers (^^^) are added, as in Lambda."""
    frames = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for i, frame in enumerate(frames):
        if frame[0] != THIS_FILE:
            frames = frames[i:]
            break
    return traceback.format_list(frames)


def error_document(exc, request_id=None):
    return make_error(str(exc), type(exc).__name__, user_frames(exc.__traceback__), request_id)


def log_error(doc):
    """`[ERROR] Type: message`, then the trace with its indentation in no-break spaces (U+00A0),
    one log event (lines joined by \\r), as Lambda's runtime logs an error. As JSON, the error
    document after the time and the level."""
    if LOG_FORMAT_JSON:
        entry = {"timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()), "level": "ERROR"}
        entry.update(doc)
        sys.stdout.write(to_json(entry) + "\n")
        sys.stdout.flush()
        return
    description = "[ERROR]"
    if doc.get("errorType"):
        description += " " + doc["errorType"]
    if doc.get("errorMessage"):
        if doc.get("errorType"):
            description += ":"
        description += " " + doc["errorMessage"]
    lines = [description]
    if doc.get("stackTrace") is not None:
        lines.append("Traceback (most recent call last):")
        for entry in doc["stackTrace"]:
            if entry == "":
                lines.append("")
            for line in entry.splitlines():
                stripped = line.lstrip(" ")
                lines.append("\u00a0" * (len(line) - len(stripped)) + stripped)
    sys.stdout.write("\r".join(lines).replace("\n", "\r") + "\n")
    sys.stdout.flush()


def load_handler():
    """`path/to/module.function`, resolved from LAMBDA_TASK_ROOT as Lambda's runtime does. Raises
    FaultError for what Lambda reports as a Runtime.* init error."""
    try:
        module_path, function_name = HANDLER.rsplit(".", 1)
    except ValueError as exc:
        raise FaultError("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (HANDLER, exc))
    if TASK_ROOT not in sys.path:
        sys.path.insert(0, TASK_ROOT)
    try:
        if module_path.split(".")[0] in sys.builtin_module_names:
            raise FaultError(
                "Runtime.BuiltInModuleConflict",
                "Cannot use built-in module %s as a handler module" % module_path,
            )
        module = importlib.import_module(module_path.replace("/", "."))
    except ImportError as exc:
        raise FaultError(
            "Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_path, exc)
        )
    except SyntaxError as exc:
        trace = ['  File "%s" Line %s\n    %s' % (exc.filename, exc.lineno, exc.text)]
        raise FaultError(
            "Runtime.UserCodeSyntaxError",
            "Syntax error in module '%s': %s" % (module_path, exc),
            trace,
        )
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise FaultError(
            "Runtime.HandlerNotFound",
            "Handler '%s' missing on module '%s'" % (function_name, module_path),
        )


def result_request(request_id, handler, event_body, headers):
    """Runs the handler and returns the request that reports its result or its error."""
    try:
        context = LambdaContext(headers)
        try:
            event = json.loads(event_body) if event_body else None
        except Exception as exc:
            raise FaultError("Runtime.UnmarshalError", "Unable to unmarshal input: %s" % exc)
        result = handler(event, context)
        if isinstance(result, bytes):
            payload, content_type = result, "application/unknown"
        else:
            try:
                payload, content_type = to_json(result).encode("utf-8"), "application/json"
            except Exception as exc:
                raise FaultError("Runtime.MarshalError", "Unable to marshal response: %s" % exc)
    except FaultError as fault:
        doc = fault.document(request_id)
    except Exception as exc:
        doc = error_document(exc, request_id)
    else:
        path = "/invocation/%s/response" % request_id
        return ("POST", path, payload, {"Content-Type": content_type})
    log_error(doc)
    return json_request("/invocation/%s/error" % request_id, doc, doc["errorType"])


def main():
    global current_request_id
    global API_HOST, API_PORT
    # A lone surrogate in a message (say "x\ud800y") must not crash the runtime when logged.
    sys.stdout.reconfigure(errors="backslashreplace")
    sys.stderr.reconfigure(errors="backslashreplace")
    client = RuntimeClient()
    connected_to = None
    if os.environ.get("FLOURISH_SPARE") == "1":
        # The Runtime API the function will use listens already: connect while waiting, so the
        # engine's check of who connected is done before the function arrives.
        connected_to = os.environ["FLOURISH_SPARE_RUNTIME_API"]
        API_HOST, API_PORT = connected_to.split(":")
        client._connect()
        receive_function()
    read_function_environment()
    if connected_to != "%s:%s" % (API_HOST, API_PORT):
        if client.sock is not None:
            client.sock.close()
        # Connect now: the engine checks who connected while the handler loads.
        client._connect()
    setup_logging()
    try:
        handler = load_handler()
    except Exception as exc:
        init_error = exc.document() if isinstance(exc, FaultError) else error_document(exc)
        logging.warning(UNHANDLED_INIT_WARNING)
        log_error(init_error)
        client.exchange(json_request("/init/error", init_error, init_error["errorType"]))
        sys.exit(1)

    (_status, headers, body), = client.exchange(NEXT)
    while True:
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        current_request_id = request_id
        trace_id = headers.get("Lambda-Runtime-Trace-Id")
        if trace_id:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        result = result_request(request_id, handler, body, headers)
        sys.stdout.flush()
        posted, (_status, headers, body) = client.exchange(result, NEXT)
        if posted[0] != 202:
            sys.stdout.write("Runtime API refused a result (%d): %s\n" % (posted[0], posted[2].decode("utf-8", "replace")))


if __name__ == "__main__":
    main()
