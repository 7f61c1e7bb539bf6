using System;

namespace FastCgi.Aot.Protocol;

/// <summary>The flags byte of an FCGI_BEGIN_REQUEST body (FastCGI 1.0 §5.1).</summary>
[Flags]
public enum FcgiBeginRequestFlags : byte
{
    /// <summary>The application closes the connection after answering this request.</summary>
    None = 0,

    /// <summary>FCGI_KEEP_CONN: the web server keeps the connection open after this request.</summary>
    KeepConnection = 1,
}
