using System;
using System.IO;
using FastCgi.Aot.Hosting;

namespace FastCgi.Aot.Testing;

/// <summary>
/// How an <see cref="FcgiTestClient"/> behaves: what its requests look like to the application (the
/// web server's host name, the client's address, HTTPS), whether it keeps cookies, and its limits.
/// The client copies the options when it is created; changing them later changes nothing.
/// </summary>
public sealed class FcgiTestClientOptions
{
    /// <summary>
    /// The host name the requests are addressed to: the <c>Host</c> header (<c>HTTP_HOST</c>) and
    /// <c>SERVER_NAME</c>, and the host cookies are kept for. <c>localhost</c> by default.
    /// </summary>
    public string Host { get; set; } = "localhost";

    /// <summary>
    /// True to send every request as if it came over HTTPS: <c>HTTPS=on</c>,
    /// <c>REQUEST_SCHEME=https</c>, <c>SERVER_PORT=443</c>, and cookies marked <c>Secure</c> sent
    /// back. A request may override it with <see cref="FcgiTestRequest.WithHttps"/>. False by default.
    /// </summary>
    public bool Https { get; set; }

    /// <summary>The client's address as the application sees it (<c>REMOTE_ADDR</c>); <c>127.0.0.1</c> by default.</summary>
    public string RemoteAddress { get; set; } = "127.0.0.1";

    /// <summary>The client's port as the application sees it (<c>REMOTE_PORT</c>); 50000 by default.</summary>
    public int RemotePort { get; set; } = 50000;

    /// <summary>
    /// The web server's document root (<c>DOCUMENT_ROOT</c>, and the start of <c>SCRIPT_FILENAME</c>);
    /// <c>/var/www/html</c>, Debian's nginx default, by default.
    /// </summary>
    public string DocumentRoot { get; set; } = "/var/www/html";

    /// <summary>
    /// True to keep the cookies the application sets (<c>Set-Cookie</c>) in <see cref="FcgiTestClient.Cookies"/>
    /// and send them back on later requests, as a browser does: by path, expiry and <c>Secure</c>,
    /// deleted by <c>Max-Age=0</c> or a past <c>Expires</c>. False by default, so that a client shared
    /// by several tests carries no state from one to the next; the jar is sent either way.
    /// </summary>
    public bool UseCookies { get; set; }

    /// <summary>
    /// The server's body limit (<see cref="FcgiServerOptions.MaxBodyBytes"/>, <c>--max-body-bytes</c>)
    /// for routes without their own: a larger body is answered 413. It applies in memory and to a
    /// server the client starts itself; a server the client only connects to has its own.
    /// </summary>
    public int MaxBodyBytes { get; set; } = new FcgiServerOptions().MaxBodyBytes;

    /// <summary>
    /// True (the default) to keep socket connections open between requests (FCGI_KEEP_CONN), as
    /// nginx does with <c>fastcgi_keep_conn on</c>; false to open one per request, as lighttpd and
    /// Caddy do. Not used in memory.
    /// </summary>
    public bool KeepAlive { get; set; } = true;

    /// <summary>
    /// How long a request may take before <see cref="FcgiTestClient.SendAsync"/> gives up with a
    /// <see cref="TimeoutException"/>, so that a hung handler fails its test instead of hanging it:
    /// in memory the request's <see cref="FcgiRequest.Aborted"/> token is cancelled, over a socket
    /// the connection is closed. 30 seconds by default. This is not the server's request timeout
    /// (<see cref="FcgiServerOptions.RequestTimeout"/>, answered 504), which only a server applies.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Where the server logs what it logs on its standard error: a handler's unhandled exception,
    /// in memory and from a server the client starts. Discarded by default; the exception is also
    /// in the failed request's <see cref="FcgiTestResponse.Stderr"/>.
    /// </summary>
    public TextWriter Log { get; set; } = TextWriter.Null;

    internal FcgiTestClientOptions Validated()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Host, nameof(Host));
        ArgumentException.ThrowIfNullOrWhiteSpace(RemoteAddress, nameof(RemoteAddress));
        ArgumentNullException.ThrowIfNull(DocumentRoot, nameof(DocumentRoot));
        ArgumentNullException.ThrowIfNull(Log, nameof(Log));
        ArgumentOutOfRangeException.ThrowIfNegative(RemotePort, nameof(RemotePort));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RemotePort, 65535, nameof(RemotePort));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxBodyBytes, nameof(MaxBodyBytes));
        if (Timeout <= TimeSpan.Zero && Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "The timeout must be positive, or Timeout.InfiniteTimeSpan.");
        }

        if (Host.AsSpan().IndexOfAny(" \t\r\n/?#@") >= 0)
        {
            throw new ArgumentException($"The host '{Host}' is not a host name (with an optional :port).", nameof(Host));
        }

        return new FcgiTestClientOptions
        {
            Host = Host,
            Https = Https,
            RemoteAddress = RemoteAddress,
            RemotePort = RemotePort,
            DocumentRoot = DocumentRoot,
            UseCookies = UseCookies,
            MaxBodyBytes = MaxBodyBytes,
            KeepAlive = KeepAlive,
            Timeout = Timeout,
            Log = Log,
        };
    }
}
