using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;

namespace FastCgi.Aot.Hosting;

/// <summary>Where the server listens and the limits it enforces. Every limit has a safe default and a command-line flag.</summary>
public sealed class FcgiServerOptions
{
    /// <summary>A Unix domain socket path to listen on (<c>--socket</c>, <c>FCGI_SOCKET</c>).</summary>
    public string? UnixSocketPath { get; set; }

    /// <summary>The permissions of the Unix socket file (<c>--socket-mode</c>); 0660 by default, so only the owner and group may connect.</summary>
    public UnixFileMode UnixSocketMode { get; set; } =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    /// <summary>
    /// The group the Unix socket file is given (<c>--socket-group</c>), a name from /etc/group or a
    /// numeric id; null leaves the process's group. With mode 0660 this lets the web server's group,
    /// and no one else, connect.
    /// </summary>
    public string? UnixSocketGroup { get; set; }

    /// <summary>A TCP endpoint to listen on (<c>--tcp HOST:PORT</c>, <c>FCGI_TCP</c>).</summary>
    public EndPoint? TcpEndPoint { get; set; }

    /// <summary>
    /// A socket that is already listening, for example one inherited on descriptor 0 or from systemd.
    /// The server does not close it when it stops unless <see cref="OwnsListenSocket"/> is set.
    /// </summary>
    public Socket? ListenSocket { get; set; }

    /// <summary>True when the server closes <see cref="ListenSocket"/> when it stops.</summary>
    public bool OwnsListenSocket { get; set; }

    /// <summary>
    /// The addresses TCP peers may connect from (FCGI_WEB_SERVER_ADDRS); empty allows any.
    /// A peer that is not in the list is closed at once.
    /// </summary>
    public IList<IPAddress> AllowedPeerAddresses { get; } = new List<IPAddress>();

    /// <summary>The listen backlog (<c>--backlog</c>).</summary>
    public int Backlog { get; set; } = 1024;

    /// <summary>The most connections served at once (<c>--max-connections</c>, announced as FCGI_MAX_CONNS).</summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>The most requests active at once on one connection (<c>--max-requests-per-connection</c>).</summary>
    public int MaxRequestsPerConnection { get; set; } = 16;

    /// <summary>The most requests active at once in the process (<c>--max-requests</c>, announced as FCGI_MAX_REQS).</summary>
    public int MaxRequests { get; set; } = 4096;

    /// <summary>The most PARAMS bytes one request may carry (<c>--max-params-bytes</c>); past it the request gets a 431.</summary>
    public int MaxParamsBytes { get; set; } = 64 * 1024;

    /// <summary>The largest request body or Filter data (<c>--max-body-bytes</c>); past it the request gets a 413.</summary>
    public int MaxBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>How long a connection with no active request may stay silent before it is closed (<c>--idle-timeout</c>).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How long a request whose input is not complete may wait for its next bytes before the connection is closed (<c>--read-timeout</c>).</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a handler may run before it is cancelled and the request ends with a 504 (<c>--request-timeout</c>).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a stopping server waits for requests in flight (<c>--shutdown-timeout</c>).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The size of each connection's receive buffer (16 KiB). While a body streams in (a receive
    /// fills the buffer), the connection reads 64 KiB at a time, and goes back to this size when
    /// the stream dries up.
    /// </summary>
    public int ReceiveBufferSize { get; set; } = 16 * 1024;

    /// <summary>The body a response buffers before it streams; a smaller response goes out whole with a Content-Length.</summary>
    public int ResponseBufferSize { get; set; } = 64 * 1024;

    /// <summary>
    /// The most response bytes a handler may hold in the server's buffer at once (<c>--max-response-buffer-bytes</c>).
    /// A synchronous <see cref="FcgiResponse.Write(System.ReadOnlySpan{byte})"/> buffers until the handler
    /// returns; past this bound it throws and the request ends with a 500, so a runaway handler cannot
    /// take all memory. <see cref="FcgiResponse.WriteAsync"/> streams and stays far below it.
    /// </summary>
    public int MaxResponseBufferBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// The path the server answers itself with its counters, as text or, with <c>?json</c> or
    /// <c>?format=json</c>, as JSON (<c>--status-path</c>, as PHP-FPM's <c>pm.status_path</c>); null (the default) turns it off.
    /// </summary>
    public string? StatusPath { get; set; }

    /// <summary>The path the server answers itself with <c>pong</c> (<c>--ping-path</c>, as PHP-FPM's <c>ping.path</c>); null (the default) turns it off.</summary>
    public string? PingPath { get; set; }

    /// <summary>
    /// Logs, once on stderr, each request whose handler runs longer than this, with its method, path
    /// and elapsed time (<c>--slow-request-log</c>); null (the default) turns it off.
    /// </summary>
    public TimeSpan? SlowRequestThreshold { get; set; }

    /// <summary>
    /// The most bytes of one request body (or of a form's fields and files together) kept in
    /// memory (<c>--spool-threshold-bytes</c>); a larger body, or file part, goes to a temporary
    /// file in <see cref="TempDirectory"/>. 1 MiB by default.
    /// </summary>
    public long SpoolThresholdBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Where request bodies past <see cref="SpoolThresholdBytes"/> are kept (<c>--temp-dir</c>);
    /// null for <c>$TMPDIR</c>, else <c>/tmp</c>. The files have no name (O_TMPFILE, or unlinked
    /// at once), so nothing is left behind; a <c>FROM scratch</c> image must provide the directory
    /// (a volume or a tmpfs mount), or uploads past the threshold are refused with 507.
    /// </summary>
    public string? TempDirectory { get; set; }

    /// <summary>The most bytes all temporary files of the process may hold at once (<c>--max-spool-bytes</c>); past it uploads are refused with 507. 1 GiB by default.</summary>
    public long MaxSpoolBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>
    /// The most bytes all request bodies (and form fields and files) below
    /// <see cref="SpoolThresholdBytes"/> may hold in memory together (<c>--max-body-memory-bytes</c>);
    /// past it a body goes to a temporary file however small, so that memory does not grow with
    /// the number of uploads at once. 8 MiB by default; 0 spools every body. The buffers of the
    /// bodies in memory are kept for reuse up to as many bytes, in a pool of this server's.
    /// </summary>
    public long MaxBodyMemoryBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>The default of <see cref="MaxPooledBufferBytes"/>: 4 MiB.</summary>
    internal const long DefaultMaxPooledBufferBytes = 4 * 1024 * 1024;

    /// <summary>
    /// The most bytes of large buffers (past 16 KiB: responses that grew; bodies have their own
    /// pool, within <see cref="MaxBodyMemoryBytes"/>) the process keeps for reuse once their
    /// requests ended (<c>--max-pooled-buffer-bytes</c>); a buffer
    /// returned past it goes to the GC, and buffers unused for 30 s are let go. The budget is the
    /// process's, as the pool is: the last server started sets it. 4 MiB by default; 0 keeps none.
    /// </summary>
    public long MaxPooledBufferBytes { get; set; } = DefaultMaxPooledBufferBytes;

    /// <summary>The most fields (and file parts) a form may have (<c>--max-form-fields</c>); past it 413. 1024 by default.</summary>
    public int MaxFormFields { get; set; } = 1024;

    /// <summary>
    /// The most worker threads that run handlers marked <c>Blocking = true</c>
    /// (<c>--blocking-threads</c>). Threads start when work needs them and then stay. The default,
    /// four per core and at least 8, lets several blocking calls (a database, the file system)
    /// wait at once on a small host.
    /// </summary>
    public int BlockingThreads { get; set; } = Math.Max(8, 4 * Environment.ProcessorCount);

    /// <summary>
    /// The most requests that wait for a blocking worker (<c>--blocking-queue</c>); one more is
    /// answered 503 with <c>Retry-After</c>. Their wait counts toward <see cref="RequestTimeout"/>.
    /// </summary>
    public int BlockingQueueLength { get; set; } = 256;

    /// <summary>
    /// How long a handler may hold an I/O thread before the server logs, once per request, which
    /// handler did and what to do about it (<c>--io-stall-warning</c>, in milliseconds); null
    /// turns the warning off. 200 ms by default: far above any handler that does not block, far
    /// below what a user notices as a stall.
    /// </summary>
    public TimeSpan? IoStallWarning { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How connections' sockets are driven (<c>--io-engine</c>). <see cref="FcgiIoEngine.Epoll"/>, the
    /// default on Linux, is the server's own epoll loop; <see cref="FcgiIoEngine.Sockets"/> is
    /// System.Net.Sockets, the default elsewhere.
    /// </summary>
    public FcgiIoEngine IoEngine { get; set; } = OperatingSystem.IsLinux() ? FcgiIoEngine.Epoll : FcgiIoEngine.Sockets;

    /// <summary>Logs each connection and request on stderr (<c>--verbose</c>).</summary>
    public bool Verbose { get; set; }

    /// <summary>Where log lines go; standard error by default.</summary>
    public TextWriter Log { get; set; } = Internal.StandardStreams.Error;

    /// <summary>Checks that every limit is in range.</summary>
    /// <exception cref="ArgumentException">A limit is out of range.</exception>
    public void Validate()
    {
        Positive(Backlog, nameof(Backlog));
        Positive(MaxConnections, nameof(MaxConnections));
        Positive(MaxRequestsPerConnection, nameof(MaxRequestsPerConnection));
        Positive(MaxRequests, nameof(MaxRequests));
        Positive(MaxParamsBytes, nameof(MaxParamsBytes));
        Positive(ReceiveBufferSize, nameof(ReceiveBufferSize));
        Positive(ResponseBufferSize, nameof(ResponseBufferSize));
        Positive(MaxResponseBufferBytes, nameof(MaxResponseBufferBytes));
        Positive(BlockingThreads, nameof(BlockingThreads));
        Positive(MaxFormFields, nameof(MaxFormFields));
        ArgumentOutOfRangeException.ThrowIfNegative(SpoolThresholdBytes, nameof(SpoolThresholdBytes));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxSpoolBytes, nameof(MaxSpoolBytes));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxBodyMemoryBytes, nameof(MaxBodyMemoryBytes));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxPooledBufferBytes, nameof(MaxPooledBufferBytes));
        Positive(BlockingQueueLength, nameof(BlockingQueueLength));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxBodyBytes, nameof(MaxBodyBytes));
        PositiveTime(IdleTimeout, nameof(IdleTimeout));
        PositiveTime(ReadTimeout, nameof(ReadTimeout));
        PositiveTime(RequestTimeout, nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(ShutdownTimeout, TimeSpan.Zero, nameof(ShutdownTimeout));
        if (SlowRequestThreshold is { } slow)
        {
            PositiveTime(slow, nameof(SlowRequestThreshold));
        }

        if (IoStallWarning is { } stall)
        {
            PositiveTime(stall, nameof(IoStallWarning));
        }

        if (IoEngine == FcgiIoEngine.Epoll && !OperatingSystem.IsLinux())
        {
            throw new ArgumentException("The epoll I/O engine (--io-engine epoll) needs Linux; use sockets.", nameof(IoEngine));
        }

        if (!Enum.IsDefined(IoEngine))
        {
            throw new ArgumentOutOfRangeException(nameof(IoEngine), IoEngine, "Not an I/O engine.");
        }

        OperationsPath(StatusPath, nameof(StatusPath));
        OperationsPath(PingPath, nameof(PingPath));
        if (StatusPath is not null && StatusPath == PingPath)
        {
            throw new ArgumentException("The status and ping paths must differ.", nameof(PingPath));
        }
        if (ReceiveBufferSize < 64)
        {
            throw new ArgumentOutOfRangeException(nameof(ReceiveBufferSize), "The receive buffer must hold at least 64 bytes.");
        }

        if (MaxRequestsPerConnection > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestsPerConnection), "A connection carries at most 65,535 request ids.");
        }
    }

    private static void OperationsPath(string? path, string name)
    {
        if (path is not null && !IsOperationsPath(path))
        {
            throw new ArgumentException($"{name} must be a path such as /status, starting with '/', without '?', '#' or spaces.", name);
        }
    }

    /// <summary>A path the server may answer itself: starts with '/', has more than that, and no '?', '#' or space.</summary>
    internal static bool IsOperationsPath(string path) =>
        path.Length >= 2 && path[0] == '/' && path.AsSpan().IndexOfAny('?', '#', ' ') < 0;

    private static void Positive(int value, string name) => ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, name);

    private static void PositiveTime(TimeSpan value, string name) => ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, name);
}
