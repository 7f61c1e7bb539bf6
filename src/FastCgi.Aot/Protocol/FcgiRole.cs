namespace FastCgi.Aot.Protocol;

/// <summary>The role a request asks the application to play (FastCGI 1.0 §6).</summary>
public enum FcgiRole : ushort
{
    /// <summary>FCGI_RESPONDER: the CGI/1.1 role, answering an HTTP request.</summary>
    Responder = 1,

    /// <summary>FCGI_AUTHORIZER: decides whether the web server may go on with a request.</summary>
    Authorizer = 2,

    /// <summary>FCGI_FILTER: transforms a file (the DATA stream) before the web server sends it.</summary>
    Filter = 3,
}
