using System;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Internal;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Connections;

/// <summary>What a response needs from the connection that carries it: sending what it holds so far.</summary>
internal interface IRequestOwner
{
    ValueTask FlushResponseAsync(RequestContext context, CancellationToken cancellationToken);
}

/// <summary>
/// One request's state on a connection: its <see cref="FcgiRequest"/>, <see cref="FcgiResponse"/>,
/// abort token and place in the request state machine. Contexts are pooled by the host and reused,
/// buffers and all; only <see cref="RequestTable{TApp}"/> changes <see cref="State"/>.
/// </summary>
/// <remarks>
/// A context is held twice while in use: by its connection until the request ended (and its
/// answer was sent), and by its handler until the handler returned (or from the start, for a
/// request whose handler never runs). The last release returns it to the pool, so a context is
/// never reused, nor its token reset, while a handler that timed out or was aborted still runs.
/// </remarks>
internal sealed class RequestContext : IFcgiResponseSink
{
    private CancellationTokenSource _abort = new();
    private int _holds;
    private int _ended;

    public FcgiRequest Request { get; } = new();

    public FcgiResponse Response { get; } = new();

    public IRequestOwner? Owner { get; private set; }

    public RequestState State { get; set; }

    /// <summary>How the request ended; set once, by the end.</summary>
    public EndReason EndReason { get; set; }

    /// <summary>The HTTP status to answer with instead of running the handler (431), or 0.</summary>
    public int Rejection { get; set; }

    /// <summary>When the request began, in <see cref="System.Diagnostics.Stopwatch"/> ticks; 0 unless the application observes completed requests.</summary>
    public long BeganAt { get; set; }

    /// <summary>When its input was complete and its handler was queued or started, in <see cref="Environment.TickCount64"/> milliseconds.</summary>
    public long StartedAt { get; set; }

    /// <summary>The request timeout fired for this request.</summary>
    public bool TimedOut { get; set; }

    /// <summary>The slow-request log named this request.</summary>
    public bool SlowLogged { get; set; }

    /// <summary>The I/O-thread watchdog named this request.</summary>
    public bool StallLogged { get; set; }

    /// <summary>
    /// The handler was started, inline or queued for a worker: it holds the context until it
    /// returns. Otherwise (refused, answered by the server, ended during its input) the end lets
    /// the handler's hold go too.
    /// </summary>
    public bool HandlerStarted { get; set; }

    /// <summary>True once the request ended (<see cref="RequestState.Ended"/>); readable from any thread.</summary>
    public bool IsEnded => Volatile.Read(ref _ended) != 0;

    /// <summary>Marks the end; called once, under the table lock, by the request's end.</summary>
    public void MarkEnded() => Volatile.Write(ref _ended, 1);

    public ushort RequestId => Request.RequestId;

    /// <summary>True while the context sits in the pool; guards against returning it twice.</summary>
    public bool InPool { get; set; }

    public void Begin(IRequestOwner owner, ushort requestId, FcgiRole role, bool keepConnection)
    {
        Owner = owner;
        if (!_abort.TryReset())
        {
            _abort.Dispose();
            _abort = new CancellationTokenSource();
        }

        Request.Start(requestId, role, keepConnection, _abort.Token);
        State = RequestState.Params;
        EndReason = EndReason.Completed;
        Rejection = 0;
        TimedOut = false;
        SlowLogged = false;
        StallLogged = false;
        HandlerStarted = false;
        BeganAt = 0;
        _ended = 0;
        _holds = 2;
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

    /// <summary>Drops one of the two holds; true when this was the last (the caller returns the context to the pool).</summary>
    public bool Release() => Interlocked.Decrement(ref _holds) == 0;

    public void Clear()
    {
        Request.Clear();
        Response.Clear();
        Owner = null;
        State = RequestState.Ended;
        Rejection = 0;
        HandlerStarted = false;
    }

    ValueTask IFcgiResponseSink.FlushAsync(FcgiResponse response, CancellationToken cancellationToken) =>
        Owner is { } owner ? owner.FlushResponseAsync(this, cancellationToken) : default;
}
