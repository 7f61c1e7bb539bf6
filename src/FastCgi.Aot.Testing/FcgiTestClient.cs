using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Hosting;
using FastCgi.Aot.Testing.Internal;

namespace FastCgi.Aot.Testing;

/// <summary>
/// Sends HTTP-shaped requests to a FastCgi.Aot application and returns its answers, for tests. The
/// same requests and answers work in two modes:
/// <list type="bullet">
/// <item><see cref="Create{TApplication}"/>: in memory, no socket. The request goes through the
/// application's generated dispatcher as a connection sends it: role check, route match and its
/// body limit (413), binding (400), handler, a failure answered with 500, the after hook.</item>
/// <item><see cref="StartServer{TApplication}"/> and <see cref="Connect"/>: FastCGI over a Unix
/// socket, to a server started in this process or to a running executable, for full-stack tests
/// (framing, keep-alive, limits, timeouts, cut-off answers).</item>
/// </list>
/// </summary>
/// <example>
/// <code>
/// await using var client = FcgiTestClient.Create&lt;FastCgi.Aot.Generated.FcgiApplication&gt;();
/// FcgiTestResponse response = await client.GetAsync("/add?a=1&amp;b=2");
/// Assert.Equal(200, response.StatusCode);
/// Assert.Equal("3", response.Text);
/// </code>
/// </example>
/// <remarks>
/// A client may send concurrent requests. Requests look as if nginx forwarded them: the
/// parameters of nginx's <c>fastcgi_params</c> and <c>SCRIPT_FILENAME</c>, a <c>Host</c> header,
/// and each header as <c>HTTP_*</c>; see <see cref="FcgiTestClientOptions"/> for what can be set.
/// </remarks>
public sealed class FcgiTestClient : IAsyncDisposable, IDisposable
{
    private readonly FcgiTestTransport _transport;
    private readonly FcgiTestClientOptions _options;
    private int _disposed;

    private FcgiTestClient(FcgiTestTransport transport, FcgiTestClientOptions options, string? socketPath, FcgiServerInstance? server)
    {
        _transport = transport;
        _options = options;
        SocketPath = socketPath;
        Server = server;
        Cookies = new FcgiTestCookieJar(options.Host);
    }

    /// <summary>The cookies sent with every request; filled from the answers when <see cref="FcgiTestClientOptions.UseCookies"/> is set.</summary>
    public FcgiTestCookieJar Cookies { get; }

    /// <summary>The Unix socket the client talks to; null in memory.</summary>
    public string? SocketPath { get; }

    /// <summary>The server <see cref="StartServer{TApplication}"/> started (its statistics, for instance); null otherwise.</summary>
    public FcgiServerInstance? Server { get; }

    /// <summary>
    /// A client that runs requests in memory through <typeparamref name="TApplication"/>, usually
    /// the generated <c>FastCgi.Aot.Generated.FcgiApplication</c> of the assembly under test.
    /// Nothing is sent before the handler returns, so a failed handler always gets a 500, never a
    /// cut-off answer; the server's own limits and timeouts other than the body limit apply only
    /// over a socket.
    /// </summary>
    /// <param name="options">The client's options, or null for the defaults.</param>
    /// <typeparam name="TApplication">The application.</typeparam>
    public static FcgiTestClient Create<TApplication>(FcgiTestClientOptions? options = null)
        where TApplication : IFcgiApplication
    {
        FcgiTestClientOptions validated = (options ?? new FcgiTestClientOptions()).Validated();
        return new FcgiTestClient(new InMemoryTransport<TApplication>(validated.MaxBodyBytes, validated.Log), validated, socketPath: null, server: null);
    }

    /// <summary>
    /// Starts <typeparamref name="TApplication"/> in this process on a new Unix socket in the temp
    /// directory (<see cref="FcgiServer.Start{TApplication}(FcgiServerOptions)"/>) and returns a client
    /// for it. Disposing the client stops the server, which removes the socket file.
    /// </summary>
    /// <param name="options">The client's options, or null for the defaults. <see cref="FcgiTestClientOptions.MaxBodyBytes"/> and <see cref="FcgiTestClientOptions.Log"/> also configure the server.</param>
    /// <param name="configureServer">Sets other server options (timeouts, limits, the I/O engine) before it starts; the socket path is chosen already.</param>
    /// <typeparam name="TApplication">The application.</typeparam>
    /// <exception cref="FcgiStartupException">The server could not listen.</exception>
    public static FcgiTestClient StartServer<TApplication>(FcgiTestClientOptions? options = null, Action<FcgiServerOptions>? configureServer = null)
        where TApplication : IFcgiApplication
    {
        FcgiTestClientOptions validated = (options ?? new FcgiTestClientOptions()).Validated();
        var serverOptions = new FcgiServerOptions
        {
            UnixSocketPath = NewSocketPath(),
            MaxBodyBytes = validated.MaxBodyBytes,
            Log = validated.Log,
        };
        configureServer?.Invoke(serverOptions);
        string path = serverOptions.UnixSocketPath ?? throw new ArgumentException("configureServer must leave a Unix socket path.", nameof(configureServer));
        FcgiServerInstance server = FcgiServer.Start<TApplication>(serverOptions);
        return new FcgiTestClient(new UnixSocketTransport(path, validated.KeepAlive, server), validated, path, server);
    }

    /// <summary>
    /// A client for an application already listening on <paramref name="socketPath"/>: a published
    /// executable started with <c>--socket</c>, for instance. The client connects on its first
    /// request; disposing it closes its connections and leaves the application running.
    /// </summary>
    /// <param name="socketPath">The application's Unix socket.</param>
    /// <param name="options">The client's options, or null for the defaults (<see cref="FcgiTestClientOptions.MaxBodyBytes"/> is the application's own here).</param>
    public static FcgiTestClient Connect(string socketPath, FcgiTestClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        FcgiTestClientOptions validated = (options ?? new FcgiTestClientOptions()).Validated();
        return new FcgiTestClient(new UnixSocketTransport(socketPath, validated.KeepAlive, server: null), validated, socketPath, server: null);
    }

    /// <summary>Sends a request and waits for its whole answer.</summary>
    /// <param name="request">The request; see <see cref="FcgiTestRequest"/>.</param>
    /// <param name="cancellationToken">Aborts the request as a web server does when its client goes away: in memory the request's <see cref="FcgiRequest.Aborted"/> token is cancelled, over a socket the connection is closed.</param>
    /// <returns>The answer. A response cut off by the application is returned (with <see cref="FcgiTestResponse.Outcome"/> <see cref="FcgiRequestOutcome.Truncated"/>), not thrown.</returns>
    /// <exception cref="TimeoutException">No whole answer within <see cref="FcgiTestClientOptions.Timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="InvalidDataException">The application broke the FastCGI protocol or wrote no CGI response.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The socket does not accept connections.</exception>
    public async Task<FcgiTestResponse> SendAsync(FcgiTestRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        PreparedRequest prepared = CgiParameters.Prepare(request, _options, Cookies);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_options.Timeout != Timeout.InfiniteTimeSpan)
        {
            timeout.CancelAfter(_options.Timeout);
        }

        FcgiTestResponse response;
        try
        {
            response = await _transport.SendAsync(prepared, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"{request} got no whole answer within {_options.Timeout.TotalSeconds:0.###} s (FcgiTestClientOptions.Timeout).", exception);
        }

        if (_options.UseCookies)
        {
            foreach (FcgiTestCookie cookie in response.SetCookies)
            {
                Cookies.Store(cookie, prepared.Path);
            }
        }

        return response;
    }

    /// <summary>Sends a GET request.</summary>
    /// <param name="target">The path and query, for example <c>/users/7?expand=true</c>.</param>
    /// <param name="cancellationToken">Aborts the request; see <see cref="SendAsync"/>.</param>
    public Task<FcgiTestResponse> GetAsync(string target, CancellationToken cancellationToken = default) =>
        SendAsync(FcgiTestRequest.Get(target), cancellationToken);

    /// <summary>Sends a POST request with a body.</summary>
    /// <param name="target">The path and query.</param>
    /// <param name="content">The body; see <see cref="FcgiTestContent"/>.</param>
    /// <param name="cancellationToken">Aborts the request; see <see cref="SendAsync"/>.</param>
    public Task<FcgiTestResponse> PostAsync(string target, FcgiTestContent content, CancellationToken cancellationToken = default) =>
        SendAsync(FcgiTestRequest.Post(target).WithContent(content), cancellationToken);

    /// <summary>Sends a PUT request with a body.</summary>
    /// <param name="target">The path and query.</param>
    /// <param name="content">The body; see <see cref="FcgiTestContent"/>.</param>
    /// <param name="cancellationToken">Aborts the request; see <see cref="SendAsync"/>.</param>
    public Task<FcgiTestResponse> PutAsync(string target, FcgiTestContent content, CancellationToken cancellationToken = default) =>
        SendAsync(FcgiTestRequest.Put(target).WithContent(content), cancellationToken);

    /// <summary>Sends a DELETE request.</summary>
    /// <param name="target">The path and query.</param>
    /// <param name="cancellationToken">Aborts the request; see <see cref="SendAsync"/>.</param>
    public Task<FcgiTestResponse> DeleteAsync(string target, CancellationToken cancellationToken = default) =>
        SendAsync(FcgiTestRequest.Delete(target), cancellationToken);

    /// <summary>Closes the client's connections and stops a server it started.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>As <see cref="DisposeAsync"/>, waiting for a started server to stop.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>A socket path in the temp directory, short enough for sun_path (108 bytes).</summary>
    private static string NewSocketPath()
    {
        string name = "fcgi-test-" + Guid.NewGuid().ToString("N").Substring(0, 16) + ".sock";
        string path = Path.Combine(Path.GetTempPath(), name);
        return path.Length < 100 ? path : Path.Combine("/tmp", name);
    }
}
