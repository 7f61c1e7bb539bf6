namespace FastCgi.Aot.Hosting;

/// <summary>Where a request stands between its BEGIN_REQUEST and its END_REQUEST.</summary>
internal enum RequestPhase : byte
{
    /// <summary>Receiving FCGI_PARAMS.</summary>
    Params,

    /// <summary>Receiving FCGI_STDIN.</summary>
    Stdin,

    /// <summary>Receiving FCGI_DATA (Filter role).</summary>
    Data,

    /// <summary>The handler runs.</summary>
    Running,

    /// <summary>END_REQUEST was sent, or the connection is gone; the id is free again.</summary>
    Ended,
}
