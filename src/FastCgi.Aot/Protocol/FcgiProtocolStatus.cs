namespace FastCgi.Aot.Protocol;

/// <summary>The protocol-level status of an FCGI_END_REQUEST record (FastCGI 1.0 §5.5).</summary>
public enum FcgiProtocolStatus : byte
{
    /// <summary>FCGI_REQUEST_COMPLETE: the normal end of a request.</summary>
    RequestComplete = 0,

    /// <summary>FCGI_CANT_MPX_CONN: the application refuses a concurrent request on this connection.</summary>
    CantMultiplexConnection = 1,

    /// <summary>FCGI_OVERLOADED: the application ran out of a resource, for example connections or requests.</summary>
    Overloaded = 2,

    /// <summary>FCGI_UNKNOWN_ROLE: the application does not play the role the request asked for.</summary>
    UnknownRole = 3,
}
