using System;
using System.Threading;
using System.Threading.Tasks;

namespace FastCgi.Aot.Testing.Internal;

/// <summary>How an <see cref="FcgiTestClient"/> reaches the application: in memory, or over a Unix socket.</summary>
internal abstract class FcgiTestTransport : IAsyncDisposable
{
    /// <summary>Runs one request to its end.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancelled by the caller or the client's timeout: the request is aborted as a web server aborts it, and the call throws <see cref="OperationCanceledException"/>.</param>
    public abstract Task<FcgiTestResponse> SendAsync(PreparedRequest request, CancellationToken cancellationToken);

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();
}
