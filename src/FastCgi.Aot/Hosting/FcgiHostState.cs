using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using FastCgi.Aot.Connections;
using FastCgi.Aot.Internal;

namespace FastCgi.Aot.Hosting;

/// <summary>What every connection of one server shares: options, the context pool, counters, the log and the connection list.</summary>
internal sealed class FcgiHostState
{
    private readonly object _connectionsLock = new();
    private readonly HashSet<IFcgiConnection> _connections = [];
    private readonly object _logLock = new();

    public FcgiHostState(FcgiServerOptions options)
    {
        Options = options;
        Workers = new BlockingWorkerPool(options.BlockingThreads, options.BlockingQueueLength, LogError);
        Statistics.Workers = Workers;
        BodyBuffers = new LargeBufferPool(options.MaxBodyMemoryBytes);
        Spool = new SpoolSettings(options.TempDirectory ?? Path.GetTempPath(), options.SpoolThresholdBytes, new SpoolBudget(options.MaxSpoolBytes), new SpoolBudget(options.MaxBodyMemoryBytes), BodyBuffers);
        Statistics.Spool = Spool.Budget;
        Statistics.BodyMemory = Spool.MemoryBudget;
        Statistics.Pool = Pool;
        Statistics.BodyBuffers = BodyBuffers;
        LargeBufferPool.Shared.MaxBytes = options.MaxPooledBufferBytes;
    }

    public FcgiServerOptions Options { get; }

    /// <summary>The worker threads of <c>Blocking</c> handlers; no thread starts until one is needed.</summary>
    public BlockingWorkerPool Workers { get; }

    /// <summary>
    /// The large arrays of this server's request bodies, kept for reuse up to the body memory
    /// budget (<c>--max-body-memory-bytes</c>), which bounds the bodies in memory at once, so
    /// that the arrays of as many bodies as it lets in are reused; trimmed by the host's timer.
    /// </summary>
    public LargeBufferPool BodyBuffers { get; }

    /// <summary>Where request bodies past the threshold go, and the process's budget for them.</summary>
    public SpoolSettings Spool { get; }

    /// <summary>When the server started, in <see cref="Environment.TickCount64"/> milliseconds.</summary>
    public long StartedAt { get; } = Environment.TickCount64;

    public RequestContextPool Pool { get; } = new();

    public FcgiServerStatistics Statistics { get; } = new();

    /// <summary>The status and ping paths the server answers itself; null when both are off. Set once, before the first connection.</summary>
    public FcgiStatusPage? StatusPage { get; set; }

    /// <summary>Set when the server is stopping: connections close as soon as they have no active request.</summary>
    public bool Stopping { get; set; }

    public bool TryAddConnection(IFcgiConnection connection, out bool overLimit)
    {
        lock (_connectionsLock)
        {
            overLimit = _connections.Count >= Options.MaxConnections;
            if (overLimit && _connections.Count >= Options.MaxConnections + Math.Max(16, Options.MaxConnections / 8))
            {
                // Past the limit a connection is still served, with FCGI_OVERLOADED for each request,
                // so the web server learns why; past a margin beyond that it is closed at once.
                return false;
            }

            _connections.Add(connection);
        }

        Interlocked.Increment(ref Statistics._activeConnections);
        return true;
    }

    public void RemoveConnection(IFcgiConnection connection)
    {
        lock (_connectionsLock)
        {
            if (!_connections.Remove(connection))
            {
                return;
            }
        }

        Interlocked.Decrement(ref Statistics._activeConnections);
    }

    public IFcgiConnection[] SnapshotConnections()
    {
        lock (_connectionsLock)
        {
            IFcgiConnection[] result = new IFcgiConnection[_connections.Count];
            _connections.CopyTo(result);
            return result;
        }
    }

    public bool TryStartRequest()
    {
        if (Interlocked.Increment(ref Statistics._activeRequests) > Options.MaxRequests)
        {
            Interlocked.Decrement(ref Statistics._activeRequests);
            return false;
        }

        Interlocked.Increment(ref Statistics._totalRequests);
        return true;
    }

    public void EndRequest() => Interlocked.Decrement(ref Statistics._activeRequests);

    public void LogError(string message) => Write(message);

    public void LogVerbose(string message)
    {
        if (Options.Verbose)
        {
            Write(message);
        }
    }

    private void Write(string message)
    {
        lock (_logLock)
        {
            try
            {
                TextWriter log = Options.Log;
                log.WriteLine(message);
                log.Flush();
            }
            catch (IOException)
            {
                // Spawned by a web server, descriptor 2 may be closed (SPEC rule 1): logging is best effort.
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
