using System;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Internal;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Hosting;

/// <summary>
/// One request's state on a connection: its <see cref="FcgiRequest"/>, <see cref="FcgiResponse"/>
/// and abort token. Contexts are pooled by the host and reused, buffers and all.
/// </summary>
internal sealed class RequestContext : IFcgiResponseSink
{
    private CancellationTokenSource _abort = new();
    private int _releaseCount;

    public FcgiRequest Request { get; } = new();

    public FcgiResponse Response { get; } = new();

    public IConnectionOutput? Connection { get; private set; }

    public RequestPhase Phase { get; set; }

    /// <summary>The HTTP status to answer with instead of running the handler (413, 431), or 0.</summary>
    public int Rejection { get; set; }

    /// <summary>When the handler started, in <see cref="Environment.TickCount64"/> milliseconds.</summary>
    public long StartedAt { get; set; }

    /// <summary>True once END_REQUEST went out (or the connection died): nothing more is sent for this request. Guarded by the connection's send lock.</summary>
    public bool EndSent { get; set; }

    /// <summary>Taken out of the connection's table before its END_REQUEST was sent; the table's hold is still to be released.</summary>
    public bool OwesTableRelease { get; set; }

    /// <summary>The request timeout fired for this request; guarded by the connection's table lock.</summary>
    public bool TimedOut { get; set; }

    /// <summary>The slow-request log named this request; guarded by the connection's table lock.</summary>
    public bool SlowLogged { get; set; }

    public ushort RequestId => Request.RequestId;

    public void Begin(IConnectionOutput connection, ushort requestId, FcgiRole role, bool keepConnection)
    {
        Connection = connection;
        if (!_abort.TryReset())
        {
            _abort.Dispose();
            _abort = new CancellationTokenSource();
        }

        Request.Start(requestId, role, keepConnection, _abort.Token);
        Phase = RequestPhase.Params;
        Rejection = 0;
        EndSent = false;
        TimedOut = false;
        SlowLogged = false;

        // Released twice: once when END_REQUEST is sent (or the connection dies), once when the
        // handler is done (or never ran). Whichever comes last returns the context to the pool.
        _releaseCount = 2;
    }

    /// <summary>Trips the request's token. Never call under the send lock: callbacks run inline.</summary>
    public void Cancel()
    {
        try
        {
            _abort.Cancel();
        }
        catch (AggregateException)
        {
            // A handler's cancellation callback threw; the request is ending anyway.
        }
    }

    /// <summary>Takes one more hold; only while another is held (the table's, under its lock).</summary>
    public void AddHold() => Interlocked.Increment(ref _releaseCount);

    /// <summary>Drops one hold on the context; true when this was the last.</summary>
    public bool ReleaseHold() => Interlocked.Decrement(ref _releaseCount) == 0;

    public void Clear()
    {
        Request.Clear();
        Response.Clear();
        Connection = null;
        Phase = RequestPhase.Ended;
        Rejection = 0;
        EndSent = false;
        OwesTableRelease = false;
    }

    ValueTask IFcgiResponseSink.FlushAsync(FcgiResponse response, CancellationToken cancellationToken) =>
        Connection is { } connection ? connection.FlushResponseAsync(this, cancellationToken) : default;
}
