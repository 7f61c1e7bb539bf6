namespace FastCgi.Aot.Protocol;

/// <summary>The type byte of a FastCGI record (FastCGI 1.0 §8).</summary>
public enum FcgiRecordType : byte
{
    /// <summary>FCGI_BEGIN_REQUEST: starts a request; its body carries the role and flags.</summary>
    BeginRequest = 1,

    /// <summary>FCGI_ABORT_REQUEST: the web server asks the application to abort a request.</summary>
    AbortRequest = 2,

    /// <summary>FCGI_END_REQUEST: the application has finished a request.</summary>
    EndRequest = 3,

    /// <summary>FCGI_PARAMS: a stream of name-value pairs (the CGI environment).</summary>
    Params = 4,

    /// <summary>FCGI_STDIN: the request body stream.</summary>
    Stdin = 5,

    /// <summary>FCGI_STDOUT: the response stream.</summary>
    Stdout = 6,

    /// <summary>FCGI_STDERR: the application's error stream.</summary>
    Stderr = 7,

    /// <summary>FCGI_DATA: the file data stream of the Filter role.</summary>
    Data = 8,

    /// <summary>FCGI_GET_VALUES: a management query for application variables.</summary>
    GetValues = 9,

    /// <summary>FCGI_GET_VALUES_RESULT: the answer to <see cref="GetValues"/>.</summary>
    GetValuesResult = 10,

    /// <summary>FCGI_UNKNOWN_TYPE: the answer to a management record of a type the application does not know.</summary>
    UnknownType = 11,
}
