using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Hosting;

namespace FastCgi.Aot.Testing.Internal;

/// <summary>
/// Sends requests over a Unix socket with a pool of kept-alive connections, as nginx's upstream
/// <c>keepalive</c> does: a request takes an idle connection or opens one, and gives it back when
/// the answer was complete. Concurrent requests use concurrent connections (never multiplexed,
/// as nginx never multiplexes).
/// </summary>
internal sealed class UnixSocketTransport : FcgiTestTransport
{
    private readonly object _lock = new();
    private readonly Stack<FcgiClientConnection> _idle = new();
    private readonly string _path;
    private readonly bool _keepAlive;
    private readonly FcgiServerInstance? _server;
    private bool _disposed;

    /// <param name="path">The socket.</param>
    /// <param name="keepAlive">Reuse connections (FCGI_KEEP_CONN).</param>
    /// <param name="server">A server this transport started and stops when disposed, or null.</param>
    public UnixSocketTransport(string path, bool keepAlive, FcgiServerInstance? server)
    {
        _path = path;
        _keepAlive = keepAlive;
        _server = server;
    }

    public override async Task<FcgiTestResponse> SendAsync(PreparedRequest request, CancellationToken cancellationToken)
    {
        while (true)
        {
            FcgiClientConnection connection = TakeIdle() ?? await FcgiClientConnection.ConnectAsync(_path, cancellationToken).ConfigureAwait(false);
            bool wasUsed = connection.WasUsed;
            FcgiClientConnection.ExchangeResult result;
            try
            {
                result = await connection.ExchangeAsync(request, _keepAlive, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                connection.Dispose();
                throw;
            }

            if (result.ReceivedNothing && wasUsed)
            {
                // A kept-alive connection the application closed just as the request went out:
                // nothing of it was answered, so send it again on a new connection, as nginx does.
                connection.Dispose();
                continue;
            }

            if (result.Reusable)
            {
                GiveBack(connection);
            }
            else
            {
                connection.Dispose();
            }

            return result.Response;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _disposed = true;
            while (_idle.TryPop(out FcgiClientConnection? connection))
            {
                connection.Dispose();
            }
        }

        if (_server is not null)
        {
            await _server.StopAsync().ConfigureAwait(false);
        }
    }

    private FcgiClientConnection? TakeIdle()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            while (_idle.TryPop(out FcgiClientConnection? connection))
            {
                if (!connection.IsStale)
                {
                    return connection;
                }

                connection.Dispose();
            }
        }

        return null;
    }

    private void GiveBack(FcgiClientConnection connection)
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                _idle.Push(connection);
                return;
            }
        }

        connection.Dispose();
    }
}
