namespace FastCgi.Aot.Connections;

/// <summary>
/// Where a request stands on its connection. It moves forward only, and every move is made by
/// <see cref="RequestTable{TApp}"/>:
/// <code>
/// Params -> Stdin -> (Data, Filter role) -> Running -> Ended
///    \________\___________\___________________________/^   (rejected, aborted, timed out, closed)
/// </code>
/// Ended means the request's id is free and nothing more is sent for it; its handler may still be
/// running (a timeout or an abort does not stop a thread), and the context returns to the pool
/// only when both the end and the handler are done.
/// </summary>
internal enum RequestState : byte
{
    /// <summary>Receiving FCGI_PARAMS.</summary>
    Params,

    /// <summary>Receiving FCGI_STDIN.</summary>
    Stdin,

    /// <summary>Receiving FCGI_DATA (Filter role).</summary>
    Data,

    /// <summary>The input is complete: the handler is queued or running.</summary>
    Running,

    /// <summary>Out of the table: END_REQUEST was sent (or will never be), the id is free.</summary>
    Ended,
}

/// <summary>Why a request ended; decides what goes to the web server and what the after hook sees.</summary>
internal enum EndReason : byte
{
    /// <summary>The handler finished (or the server answered itself): the response, then END_REQUEST.</summary>
    Completed,

    /// <summary>The web server sent FCGI_ABORT_REQUEST: the end of STDOUT and END_REQUEST at once, the handler's output dropped.</summary>
    Aborted,

    /// <summary>Past the request timeout: 504 and END_REQUEST if nothing was sent yet, otherwise cut off.</summary>
    TimedOut,

    /// <summary>The handler failed after part of its answer went out: cut off, no END_REQUEST.</summary>
    Truncated,

    /// <summary>The connection is gone: nothing can be sent.</summary>
    ConnectionClosed,
}
