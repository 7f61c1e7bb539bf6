using System;
using System.Net;
using System.Threading.Tasks;

namespace FastCgi.Aot.Hosting;

/// <summary>A server started by <see cref="FcgiServer.Start{TApplication}(FcgiServerOptions)"/>, serving until stopped.</summary>
public abstract class FcgiServerInstance : IAsyncDisposable
{
    private protected FcgiServerInstance()
    {
    }

    /// <summary>The address the server listens on.</summary>
    public abstract EndPoint? LocalEndPoint { get; }

    /// <summary>The server's counters.</summary>
    public abstract FcgiServerStatistics Statistics { get; }

    /// <summary>The request contexts kept for reuse now (bounded by the pool's retention limit); for tests.</summary>
    internal abstract int PooledRequestContexts { get; }

    /// <summary>Request contexts rented and not returned.</summary>
    internal abstract int OutstandingRequestContexts { get; }

    /// <summary>Request contexts returned to the pool twice (a bug when not 0).</summary>
    internal abstract int DoubleReturnedRequestContexts { get; }

    /// <summary>Completes when the server has stopped.</summary>
    public abstract Task Completion { get; }

    /// <summary>
    /// Stops gracefully: no new connections, requests in flight finish within
    /// <see cref="FcgiServerOptions.ShutdownTimeout"/> and are aborted after it, then every
    /// connection closes and a socket file the server created is removed.
    /// </summary>
    public abstract Task StopAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
