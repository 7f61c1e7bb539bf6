using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using FastCgi.Aot.Internal;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Testing.Internal;

/// <summary>
/// Turns an <see cref="FcgiTestRequest"/> into what nginx sends for the same HTTP request: the
/// parameters of its stock <c>fastcgi_params</c> plus <c>SCRIPT_FILENAME</c>, then one
/// <c>HTTP_*</c> parameter per request header, and the body.
/// </summary>
internal static class CgiParameters
{
    /// <summary>What SERVER_SOFTWARE says; nginx sends <c>nginx/1.x</c>.</summary>
    private const string ServerSoftware = "FastCgi.Aot.Testing";

    /// <summary>The CGI name the runtime reads a header under, by the runtime's own rule.</summary>
    /// <exception cref="ArgumentException">The name is not an HTTP token, so no request can carry it.</exception>
    public static string ToCgiName(string headerName)
    {
        ArgumentException.ThrowIfNullOrEmpty(headerName);
        byte[] name = new byte[headerName.Length + 5];
        int length = HttpSyntax.IsToken(headerName) ? FcgiHeaderNames.ToCgiName(headerName, name) : -1;
        if (length < 0)
        {
            throw new ArgumentException($"'{headerName}' is not a header name (an HTTP token of ASCII letters, digits and !#$%&'*+-.^_`|~).", nameof(headerName));
        }

        return Encoding.ASCII.GetString(name, 0, length);
    }

    public static void ValidateHeader(string name, string value)
    {
        ToCgiName(name);
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new ArgumentException($"The value of header '{name}' contains CR, LF or NUL, which no HTTP request can carry.", nameof(value));
        }
    }

    public static PreparedRequest Prepare(FcgiTestRequest request, FcgiTestClientOptions options, FcgiTestCookieJar jar)
    {
        FcgiRole role = request.Role;
        FcgiTestContent? content = request.Content;
        if (role == FcgiRole.Authorizer && content is not null)
        {
            throw new InvalidOperationException("An Authorizer request carries no body (FastCGI 1.0 §6.3); remove its content.");
        }

        bool https = request.Https ?? options.Https;
        string host = options.Host;
        int colon = host.LastIndexOf(':');
        bool hasPort = colon > 0 && !host.EndsWith(']');
        string serverName = hasPort ? host.Substring(0, colon) : host;
        string serverPort = hasPort ? host.Substring(colon + 1) : https ? "443" : "80";
        string documentUri = UrlEncoding.DecodePath(request.Path);
        ReadOnlyMemory<byte> body = content?.Body ?? default;

        // A request without a body has no Content-Length, except from the methods that expect
        // one, where HTTP clients send "Content-Length: 0" (RFC 9110 §8.6).
        string contentLength = content is not null
            ? body.Length.ToString(CultureInfo.InvariantCulture)
            : request.Method is "POST" or "PUT" or "PATCH" ? "0" : "";

        var parameters = new ParameterList();
        parameters.Set("QUERY_STRING", request.QueryString);
        parameters.Set("REQUEST_METHOD", request.Method);
        parameters.Set("CONTENT_TYPE", content?.ContentType ?? "");
        if (role != FcgiRole.Authorizer)
        {
            // §6.3: an Authorizer gets neither CONTENT_LENGTH nor SCRIPT_NAME.
            parameters.Set("CONTENT_LENGTH", contentLength);
            parameters.Set("SCRIPT_NAME", documentUri);
        }

        parameters.Set("REQUEST_URI", request.Target);
        parameters.Set("DOCUMENT_URI", documentUri);
        parameters.Set("DOCUMENT_ROOT", options.DocumentRoot);
        parameters.Set("SERVER_PROTOCOL", "HTTP/1.1");
        parameters.Set("REQUEST_SCHEME", https ? "https" : "http");
        if (https)
        {
            parameters.Set("HTTPS", "on");
        }

        parameters.Set("GATEWAY_INTERFACE", "CGI/1.1");
        parameters.Set("SERVER_SOFTWARE", ServerSoftware);
        parameters.Set("REMOTE_ADDR", options.RemoteAddress);
        parameters.Set("REMOTE_PORT", options.RemotePort.ToString(CultureInfo.InvariantCulture));
        parameters.Set("REMOTE_USER", "");
        parameters.Set("SERVER_ADDR", "127.0.0.1");
        parameters.Set("SERVER_PORT", serverPort);
        parameters.Set("SERVER_NAME", serverName);
        parameters.Set("REDIRECT_STATUS", "200");
        parameters.Set("SCRIPT_FILENAME", options.DocumentRoot.TrimEnd('/') + documentUri);
        parameters.Set("HTTP_HOST", host);
        if (role == FcgiRole.Filter)
        {
            // §6.4: the file's length and modification time, in seconds since 1970.
            parameters.Set("FCGI_DATA_LAST_MOD", (request.DataLastModified?.ToUnixTimeSeconds() ?? 0).ToString(CultureInfo.InvariantCulture));
            parameters.Set("FCGI_DATA_LENGTH", request.Data.Length.ToString(CultureInfo.InvariantCulture));
        }

        // Headers by CGI name: X-A and x-a are one parameter, their values joined as nginx joins
        // repeated header lines (", ", and "; " between Cookie lines).
        var headers = new List<(string Name, StringBuilder Value)>();
        string? cookieHeader = null;
        foreach (KeyValuePair<string, string> header in request.Headers)
        {
            string name = ToCgiName(header.Key);
            if (name == "HTTP_COOKIE")
            {
                cookieHeader = cookieHeader is null ? header.Value : cookieHeader + "; " + header.Value;
                continue;
            }

            int index = headers.FindIndex(h => h.Name == name);
            if (index < 0)
            {
                headers.Add((name, new StringBuilder(header.Value)));
            }
            else
            {
                headers[index].Value.Append(", ").Append(header.Value);
            }
        }

        foreach ((string name, StringBuilder value) in headers)
        {
            parameters.Set(name, value.ToString());
        }

        string cookies = CookiesFor(request, jar, https, cookieHeader);
        if (cookies.Length > 0)
        {
            parameters.Set("HTTP_COOKIE", cookies);
        }

        foreach (KeyValuePair<string, string> parameter in request.Params)
        {
            parameters.Set(parameter.Key, parameter.Value);
        }

        return new PreparedRequest(request.Method, request.Path, role, parameters.Pairs, body, request.Data);
    }

    /// <summary>The jar's cookies for the path (less those the request sets itself), the request's, then any raw Cookie header.</summary>
    private static string CookiesFor(FcgiTestRequest request, FcgiTestCookieJar jar, bool https, string? cookieHeader)
    {
        List<KeyValuePair<string, string>> cookies = jar.CookiesFor(request.Path, https);
        foreach (KeyValuePair<string, string> own in request.Cookies)
        {
            cookies.RemoveAll(cookie => cookie.Key == own.Key);
        }

        cookies.AddRange(request.Cookies);
        string joined = CookieSyntax.Join(cookies);
        return cookieHeader is null ? joined : joined.Length == 0 ? cookieHeader : joined + "; " + cookieHeader;
    }

    /// <summary>Parameters in the order they were first set; setting a name again replaces its value in place.</summary>
    private sealed class ParameterList
    {
        public List<KeyValuePair<string, string>> Pairs { get; } = [];

        public void Set(string name, string value)
        {
            int index = Pairs.FindIndex(pair => pair.Key == name);
            if (index < 0)
            {
                Pairs.Add(new KeyValuePair<string, string>(name, value));
            }
            else
            {
                Pairs[index] = new KeyValuePair<string, string>(name, value);
            }
        }
    }
}
