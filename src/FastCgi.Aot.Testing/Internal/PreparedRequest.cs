using System;
using System.Collections.Generic;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Testing.Internal;

/// <summary>A request as it goes to the application: its role, CGI parameters, body and DATA stream. Both transports take this.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The encoded path, for the cookie jar.</param>
/// <param name="Role">The FastCGI role.</param>
/// <param name="Parameters">The CGI parameters, in the order they are sent.</param>
/// <param name="Body">FCGI_STDIN.</param>
/// <param name="Data">FCGI_DATA, for the Filter role.</param>
internal sealed record PreparedRequest(
    string Method,
    string Path,
    FcgiRole Role,
    IReadOnlyList<KeyValuePair<string, string>> Parameters,
    ReadOnlyMemory<byte> Body,
    ReadOnlyMemory<byte> Data);
