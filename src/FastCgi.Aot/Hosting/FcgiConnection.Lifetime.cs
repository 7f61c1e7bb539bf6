using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace FastCgi.Aot.Hosting;

/// <summary>Timeouts, stopping and closing the connection.</summary>
internal sealed partial class FcgiConnection<TApp>
{
    private void CloseAfterResponse()
    {
        if (_closing)
        {
            return;
        }

        _closing = true;
        _lastActivity = Environment.TickCount64;
        try
        {
            // FIN after the last END_REQUEST; the receive loop ends when the peer closes too,
            // or the host's timer closes the socket. When the process is about to exit, do not
            // wait for the peer: shutting down the receive side too ends the pending receive.
            // Not Dispose: closing a socket with a receive in flight may reset the connection,
            // and a reset can discard the response still queued for the peer.
            _transport.Shutdown(_host.Stopping ? SocketShutdown.Both : SocketShutdown.Send);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            Abort();
        }
    }

    public void CheckTimeouts(long now)
    {
        if (_disposed)
        {
            return;
        }

        long silent = now - Volatile.Read(ref _lastActivity);
        RequestContext? late = null;
        bool stalled = false;
        List<string>? slow = null;
        long slowAfter = _options.SlowRequestThreshold is { } threshold ? (long)threshold.TotalMilliseconds : long.MaxValue;
        long timeout = (long)_options.RequestTimeout.TotalMilliseconds;
        bool waitingForInput = false;
        int active;
        lock (_tableLock)
        {
            active = _activeCount;
            foreach (RequestContext? context in _active)
            {
                if (context is null)
                {
                    continue;
                }

                if (context.Phase < RequestPhase.Running)
                {
                    waitingForInput = true;
                }
                else if (context.Phase == RequestPhase.Running && !context.EndSent)
                {
                    long running = now - context.StartedAt;
                    if (running > slowAfter && !context.SlowLogged)
                    {
                        // The context is in the table and running: its request is intact to read.
                        context.SlowLogged = true;
                        (slow ??= []).Add($"fastcgi: slow request: {context.Request.GetMethodString()} {context.Request.GetPathString()} running for {running / 1000.0:0.0##} s (request id {context.RequestId})");
                    }

                    if (running <= timeout)
                    {
                        continue;
                    }

                    if (!context.TimedOut)
                    {
                        if (late is null)
                        {
                            // Held for EndRunningAsync, which runs after the lock is let go. Once
                            // only: a timed-out request is never ended (nor counted) twice.
                            context.TimedOut = true;
                            late = context;
                            late.AddHold();
                        }
                    }
                    else if (running > timeout + (long)_options.ReadTimeout.TotalMilliseconds)
                    {
                        // Its END_REQUEST could not go out for a whole read timeout after the
                        // request timeout: the peer stopped reading, and a send waits on it.
                        stalled = true;
                    }
                }
            }
        }

        if (slow is not null)
        {
            foreach (string message in slow)
            {
                Interlocked.Increment(ref _host.Statistics._slowRequests);
                _host.LogError(message);
            }
        }

        if (stalled && !_closing)
        {
            _host.LogError("fastcgi: closing a connection whose web server stopped reading the response of a timed-out request");
        }

        if (stalled)
        {
            Abort();
            return;
        }

        if (late is not null)
        {
            Interlocked.Increment(ref _host.Statistics._timedOut);
            _host.LogError($"fastcgi: request {late.RequestId} ran past the {_options.RequestTimeout.TotalSeconds:0.###} s request timeout; answering 504");
            _ = EndRunningAsync(late, timedOut: true);
        }

        waitingForInput |= _midRecord;
        if ((_closing && silent > 5000) ||
            (active == 0 && silent > (long)_options.IdleTimeout.TotalMilliseconds) ||
            (waitingForInput && silent > (long)_options.ReadTimeout.TotalMilliseconds))
        {
            Abort();
        }
    }

    public void BeginStop()
    {
        // An idle keep-alive connection closes at once: a web server retries a request it sent on
        // a cached connection that closed. A connection that has sent nothing yet was accepted for
        // a request on its way, and a direct client would not retry it: it is served, then closed
        // (or aborted at the shutdown deadline).
        if (Volatile.Read(ref _activeCount) == 0 && _receivedAny)
        {
            Abort();
        }
    }

    public void Abort()
    {
        _closing = true;
        try
        {
            _transport.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Runs once when the receive loop ends: every active request is aborted as by ABORT_REQUEST (FastCGI 1.0 §5.4).</summary>
    private async Task ShutdownAsync()
    {
        _closing = true;
        _receiving = null;
        List<(RequestContext Context, bool Running)> orphans = [];
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            lock (_tableLock)
            {
                // Take every request out of the table here, under the lock, keeping the table's
                // hold: a handler that finishes meanwhile then cannot return its context to the
                // pool (to be reused by another connection) before it is cancelled below.
                for (int i = 0; i < _active.Length; i++)
                {
                    if (_active[i] is { } context)
                    {
                        context.EndSent = true;
                        context.Response.Discard();
                        orphans.Add((context, context.Phase == RequestPhase.Running));
                        _active[i] = null;
                        _activeCount--;
                        context.Phase = RequestPhase.Ended;
                        _host.EndRequest();
                    }
                }
            }

            _send.Release();
            _headerScratch.Release();
        }
        finally
        {
            _sendLock.Release();
        }

        foreach ((RequestContext context, bool running) in orphans)
        {
            Interlocked.Increment(ref _host.Statistics._aborted);
            context.Cancel();
            Release(context);
            if (!running)
            {
                // The handler never ran: its hold goes too.
                Release(context);
            }
        }

        _control.Release();
        _management.Release();
        _transport.Dispose();
        _host.RemoveConnection(this);
        _completion.TrySetResult();
    }
}
