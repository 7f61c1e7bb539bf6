namespace FastCgi.Aot;

/// <summary>How a request ended, as the after hook sees it.</summary>
public enum FcgiRequestOutcome
{
    /// <summary>The whole answer went to the web server, with its END_REQUEST; the status says what it was (the server's own 4xx and 5xx included).</summary>
    Completed,

    /// <summary>The web server aborted the request (FCGI_ABORT_REQUEST) or closed the connection before the answer was sent.</summary>
    Aborted,

    /// <summary>The request ran past <c>--request-timeout</c>: answered 504 when nothing had been sent yet, otherwise cut off.</summary>
    TimedOut,

    /// <summary>The handler failed after part of its answer had gone out: the response was cut off so that the client sees an incomplete response, not a complete one.</summary>
    Truncated,
}
