using System.Threading;

namespace FastCgi.Aot.Hosting;

/// <summary>Counters of a running server, safe to read from any thread.</summary>
public sealed class FcgiServerStatistics
{
    internal long _acceptedConnections;
    internal long _activeConnections;
    internal long _activeRequests;
    internal long _totalRequests;
    internal long _aborted;
    internal long _handlerErrors;
    internal long _timedOut;
    internal long _refusedOverloaded;
    internal long _refusedBodyTooLarge;
    internal long _refusedParamsTooLarge;
    internal long _protocolErrors;
    internal long _slowRequests;
    internal long _ioStalls;

    /// <summary>The host's worker pool, whose gauges these counters show; set once by the host.</summary>
    internal Connections.BlockingWorkerPool? Workers { get; set; }

    /// <summary>The host's spool budget, whose gauge these counters show; set once by the host.</summary>
    internal Internal.SpoolBudget? Spool { get; set; }

    internal Internal.SpoolBudget? BodyMemory { get; set; }

    /// <summary>The host's request-context pool, whose size these counters show; set once by the host.</summary>
    internal Connections.RequestContextPool? Pool { get; set; }

    internal Internal.LargeBufferPool? BodyBuffers { get; set; }

    /// <summary>Connections accepted since start.</summary>
    public long AcceptedConnections => Volatile.Read(ref _acceptedConnections);

    /// <summary>Connections open now.</summary>
    public long ActiveConnections => Volatile.Read(ref _activeConnections);

    /// <summary>Requests between BEGIN_REQUEST and END_REQUEST now.</summary>
    public long ActiveRequests => Volatile.Read(ref _activeRequests);

    /// <summary>Requests begun since start.</summary>
    public long TotalRequests => Volatile.Read(ref _totalRequests);

    /// <summary>Requests aborted by the web server (FCGI_ABORT_REQUEST or a closed connection).</summary>
    public long Aborted => Volatile.Read(ref _aborted);

    /// <summary>Handlers that threw.</summary>
    public long HandlerErrors => Volatile.Read(ref _handlerErrors);

    /// <summary>Requests that ran past the request timeout.</summary>
    public long TimedOut => Volatile.Read(ref _timedOut);

    /// <summary>Requests and connections refused with FCGI_OVERLOADED or FCGI_CANT_MPX_CONN.</summary>
    public long RefusedOverloaded => Volatile.Read(ref _refusedOverloaded);

    /// <summary>Requests refused with 413 for a body past the limit.</summary>
    public long RefusedBodyTooLarge => Volatile.Read(ref _refusedBodyTooLarge);

    /// <summary>Requests refused with 431 for PARAMS past the limit.</summary>
    public long RefusedParamsTooLarge => Volatile.Read(ref _refusedParamsTooLarge);

    /// <summary>Connections closed for a protocol violation.</summary>
    public long ProtocolErrors => Volatile.Read(ref _protocolErrors);

    /// <summary>Requests that ran past <see cref="FcgiServerOptions.SlowRequestThreshold"/> and were logged; 0 when the log is off.</summary>
    public long SlowRequests => Volatile.Read(ref _slowRequests);

    /// <summary>Bytes of request bodies (and uploaded files) held in temporary files now (at most <see cref="FcgiServerOptions.MaxSpoolBytes"/>).</summary>
    public long SpooledBytes => Spool?.SpooledBytes ?? 0;

    /// <summary>Bytes of request bodies (and uploaded files) below the spool threshold held in memory now (at most <see cref="FcgiServerOptions.MaxBodyMemoryBytes"/>).</summary>
    public long BodyMemoryBytes => BodyMemory?.SpooledBytes ?? 0;

    /// <summary>Request contexts (each with its small buffers) kept for reuse now: at most 256, trimmed every 30 s to what the busiest moment of the last period needed.</summary>
    public int PooledRequestContexts => Pool?.Count ?? 0;

    /// <summary>
    /// Bytes of large buffers kept for reuse now: those of request bodies (at most
    /// <see cref="FcgiServerOptions.MaxBodyMemoryBytes"/>, this server's) and the rest, responses
    /// that grew among them (at most <see cref="FcgiServerOptions.MaxPooledBufferBytes"/>, in a
    /// pool of the process, shared by its servers).
    /// </summary>
    public long PooledBufferBytes => (BodyBuffers?.PooledBytes ?? 0) + Internal.LargeBufferPool.Shared.PooledBytes;

    /// <summary>Worker threads started for <c>Blocking</c> handlers (at most <see cref="FcgiServerOptions.BlockingThreads"/>).</summary>
    public int BlockingThreads => Workers?.Threads ?? 0;

    /// <summary>Worker threads running a <c>Blocking</c> handler now.</summary>
    public int BlockingBusy => Workers?.Busy ?? 0;

    /// <summary>Requests waiting for a worker thread now.</summary>
    public int BlockingQueued => Workers?.Queued ?? 0;

    /// <summary>Requests answered 503 because every worker was busy and the queue was full.</summary>
    public long BlockingRejected => Workers?.Rejected ?? 0;

    /// <summary>Requests whose handler held an I/O thread past <see cref="FcgiServerOptions.IoStallWarning"/> and were logged.</summary>
    public long IoStalls => Volatile.Read(ref _ioStalls);
}
