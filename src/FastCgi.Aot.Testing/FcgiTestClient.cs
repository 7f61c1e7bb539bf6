using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Testing.Internal;

namespace FastCgi.Aot.Testing;

/// <summary>
/// Sends HTTP-shaped requests to a FastCgi.Aot application and returns its answers, for tests.
/// <see cref="Create{TApplication}"/> runs them in memory, no socket: the request goes through the
/// application's generated dispatcher as a connection sends it: role check, route match and its
/// body limit (413), binding (400), handler, a failure answered with 500, the after hook.
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

    private FcgiTestClient(FcgiTestTransport transport, FcgiTestClientOptions options)
    {
        _transport = transport;
        _options = options;
        Cookies = new FcgiTestCookieJar(options.Host);
    }

    /// <summary>The cookies sent with every request; filled from the answers when <see cref="FcgiTestClientOptions.UseCookies"/> is set.</summary>
    public FcgiTestCookieJar Cookies { get; }

    /// <summary>
    /// A client that runs requests in memory through <typeparamref name="TApplication"/>, usually
    /// the generated <c>FastCgi.Aot.Generated.FcgiApplication</c> of the assembly under test.
    /// Nothing is sent before the handler returns, so a failed handler always gets a 500, never a
    /// cut-off answer; the server's own limits and timeouts other than the body limit do not apply.
    /// </summary>
    /// <param name="options">The client's options, or null for the defaults.</param>
    /// <typeparam name="TApplication">The application.</typeparam>
    public static FcgiTestClient Create<TApplication>(FcgiTestClientOptions? options = null)
        where TApplication : IFcgiApplication
    {
        FcgiTestClientOptions validated = (options ?? new FcgiTestClientOptions()).Validated();
        return new FcgiTestClient(new InMemoryTransport<TApplication>(validated.MaxBodyBytes, validated.Log), validated);
    }

    /// <summary>Sends a request and waits for its whole answer.</summary>
    /// <param name="request">The request; see <see cref="FcgiTestRequest"/>.</param>
    /// <param name="cancellationToken">Aborts the request as a web server does when its client goes away: the request's <see cref="FcgiRequest.Aborted"/> token is cancelled.</param>
    /// <returns>The answer; an error status is returned, not thrown.</returns>
    /// <exception cref="TimeoutException">No whole answer within <see cref="FcgiTestClientOptions.Timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="InvalidDataException">The application wrote no CGI response.</exception>
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

    /// <summary>Ends the client; it sends nothing after.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>As <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
