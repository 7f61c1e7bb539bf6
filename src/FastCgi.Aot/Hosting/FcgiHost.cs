using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Connections;
using FastCgi.Aot.Internal;
using FastCgi.Aot.Transport;

namespace FastCgi.Aot.Hosting;

/// <summary>Accepts connections on one listening socket and serves them with <typeparamref name="TApp"/>.</summary>
internal sealed class FcgiHost<TApp> : FcgiServerInstance
    where TApp : IFcgiApplication
{
    // How often the request-context pool shrinks to what the traffic of the last period needed,
    // and the large-buffer pool lets go of the buffers that period did not use.
    private const long PoolTrimPeriodMilliseconds = 30_000;

    private readonly FcgiHostState _state;
    private readonly Socket _listenSocket;
    private readonly bool _ownsListenSocket;
    private readonly string? _socketFileToRemove;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _timerStop = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _acceptLoop;
    private readonly Task _timerLoop;
    private Task? _stopTask;

    public FcgiHost(FcgiServerOptions options, Socket listenSocket, bool ownsListenSocket, string? socketFileToRemove)
    {
        _state = new FcgiHostState(options);
        _state.StatusPage = FcgiStatusPage.Create(_state);
        _listenSocket = listenSocket;
        _ownsListenSocket = ownsListenSocket;
        _socketFileToRemove = socketFileToRemove;
        LocalEndPoint = listenSocket.LocalEndPoint;
        _acceptLoop = AcceptLoopAsync();
        _timerLoop = StartTimerThread();
    }

    public override EndPoint? LocalEndPoint { get; }

    public override FcgiServerStatistics Statistics => _state.Statistics;

    internal override int PooledRequestContexts => _state.Pool.Count;

    internal override int OutstandingRequestContexts => _state.Pool.Outstanding;

    internal override int DoubleReturnedRequestContexts => _state.Pool.DoubleReturns;

    public override Task Completion => _completion.Task;

    public override Task StopAsync()
    {
        lock (_stop)
        {
            return _stopTask ??= StopCoreAsync();
        }
    }

    private async Task AcceptLoopAsync()
    {
        // Yield so the constructor returns before the first accept completes.
        await Task.Yield();
        CancellationToken stopping = _stop.Token;
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listenSocket.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException exception)
            {
                // Out of descriptors or a connection reset before accept: not fatal for the server.
                _state.LogError($"fastcgi: accept failed: {exception.Message}");
                try
                {
                    await Task.Delay(50, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            if (!IsPeerAllowed(client))
            {
                _state.LogVerbose($"fastcgi: closing a connection from {client.RemoteEndPoint}, which is not in FCGI_WEB_SERVER_ADDRS");
                client.Dispose();
                continue;
            }

            if (client.ProtocolType == ProtocolType.Tcp)
            {
                client.NoDelay = true;
            }

            ConnectionTransport transport;
            try
            {
                transport = _state.Options.IoEngine == FcgiIoEngine.Epoll ? EpollEngine.Register(client) : new SocketTransport(client);
            }
            catch (SocketException exception)
            {
                _state.LogError($"fastcgi: cannot serve an accepted connection: {exception.Message}");
                client.Dispose();
                continue;
            }

            var connection = new FcgiConnection<TApp>(_state, transport);
            if (!_state.TryAddConnection(connection, out bool overLimit))
            {
                Interlocked.Increment(ref _state.Statistics._refusedOverloaded);
                transport.Dispose();
                continue;
            }

            if (overLimit)
            {
                Interlocked.Increment(ref _state.Statistics._refusedOverloaded);
                connection.MarkOverloaded();
            }

            Interlocked.Increment(ref _state.Statistics._acceptedConnections);
            if (transport is EpollTransport epoll)
            {
                // RunAsync returns at its first receive, which waits: the socket joins the
                // engine's epoll set only then, so the engine's thread completes that receive and
                // serves the request, however soon it arrived.
                _ = connection.RunAsync();
                if (epoll.Activate() is int error and not 0)
                {
                    _state.LogError($"fastcgi: cannot watch an accepted connection: {EpollTransport.ErrorFor(error, "epoll_ctl").Message}");
                    transport.Dispose();
                }
            }
            else
            {
                // System.Net.Sockets would read and serve the first request right here, on the
                // accepting thread, holding up the next accept.
                ThreadPool.UnsafeQueueUserWorkItem(static c => _ = c.RunAsync(), connection, preferLocal: false);
            }
        }
    }

    private bool IsPeerAllowed(Socket client)
    {
        if (_state.Options.AllowedPeerAddresses.Count == 0 || client.AddressFamily == AddressFamily.Unix)
        {
            return true;
        }

        if (client.RemoteEndPoint is not IPEndPoint peer)
        {
            return false;
        }

        // Both sides unmapped: a dual-stack listener sees IPv4 peers as ::ffff:a.b.c.d, and the
        // list may be written either way.
        IPAddress address = FcgiListeners.Unmapped(peer.Address);
        foreach (IPAddress allowed in _state.Options.AllowedPeerAddresses)
        {
            if (FcgiListeners.Unmapped(allowed).Equals(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The timer of timeouts, slow requests and the I/O-thread watchdog, on a thread of its own:
    /// it must fire when it matters most, while handlers that block starve the thread pool.
    /// </summary>
    private Task StartTimerThread()
    {
        FcgiServerOptions options = _state.Options;
        double shortest = Math.Min(options.IdleTimeout.TotalMilliseconds, Math.Min(options.ReadTimeout.TotalMilliseconds, options.RequestTimeout.TotalMilliseconds));
        if (options.SlowRequestThreshold is { } slow)
        {
            shortest = Math.Min(shortest, slow.TotalMilliseconds);
        }

        // The I/O-thread watchdog needs two looks per threshold to name a stall within it.
        double period = Math.Clamp(shortest / 4, 20, 1000);
        if (options.IoStallWarning is { } stall)
        {
            period = Math.Min(period, Math.Max(20, stall.TotalMilliseconds / 2));
        }

        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                WaitHandle stop = _timerStop.Token.WaitHandle;
                long nextTrim = Environment.TickCount64 + PoolTrimPeriodMilliseconds;
                while (!stop.WaitOne(TimeSpan.FromMilliseconds(period)))
                {
                    CheckTimeouts();
                    if (Environment.TickCount64 >= nextTrim)
                    {
                        _state.Pool.Trim();
                        LargeBufferPool.Shared.Trim();
                        _state.BodyBuffers.Trim();
                        nextTrim = Environment.TickCount64 + PoolTrimPeriodMilliseconds;
                    }
                }
            }
            catch (Exception exception)
            {
                _state.LogError($"fastcgi: the timer thread failed: {exception}");
            }
            finally
            {
                stopped.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = "fcgi-timer",
        };
        thread.Start();
        return stopped.Task;
    }

    private void CheckTimeouts()
    {
        long now = Environment.TickCount64;
        foreach (IFcgiConnection connection in _state.SnapshotConnections())
        {
            connection.CheckTimeouts(now);
        }
    }

    private async Task StopCoreAsync()
    {
        _state.Stopping = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_ownsListenSocket)
        {
            _listenSocket.Dispose();
        }

        if (_socketFileToRemove is not null)
        {
            try
            {
                File.Delete(_socketFileToRemove);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }

        // Idle connections close now; busy ones when their last request ends.
        foreach (IFcgiConnection connection in _state.SnapshotConnections())
        {
            connection.BeginStop();
        }

        Task deadline = Task.Delay(_state.Options.ShutdownTimeout);
        while (_state.SnapshotConnections() is { Length: > 0 } connections)
        {
            Task all = Task.WhenAll(Array.ConvertAll(connections, c => c.Completion));
            if (await Task.WhenAny(all, deadline).ConfigureAwait(false) == deadline)
            {
                _state.LogError($"fastcgi: aborting {connections.Length} connection(s) still busy after the {_state.Options.ShutdownTimeout.TotalSeconds:0.###} s shutdown timeout");
                foreach (IFcgiConnection connection in connections)
                {
                    connection.Abort();
                }

                await Task.WhenAny(all, Task.Delay(1000)).ConfigureAwait(false);
                break;
            }

            // Keep closing connections that turned idle while others finished.
            CheckTimeouts();
        }

        await _timerStop.CancelAsync().ConfigureAwait(false);
        await _timerLoop.ConfigureAwait(false);
        _completion.TrySetResult();
    }
}
